/**
 * The chat-server engine against `npm run serve` on the tiny model, real HTTP on loopback: the
 * same prompt ids and greedy tokens as the in-process engine, prefix reuse (the second turn
 * prefills only its chunk, counted by the server), Stop, a server killed mid-answer, 429/503
 * retried, and the typed errors a user meets (refused, 401, unknown model, context length).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { buildTinyModel } from '../src/cli/build-tiny-model';
import { DirModelFiles } from '../src/model/runtime/node-files';
import { QwenVLEngine } from '../src/model/runtime/qwen-vl-engine';
import { firstTurn, toolResponseTurn } from '../src/agent/kernel';
import { runDeepEyes } from '../src/agent/executor';
import { cropRgb, resizeForModel } from '../src/agent/tools/crop';
import { DEFAULT_SETTINGS } from '../src/agent/types';
import { decodePng, pngDataUrl } from '../src/image-io/png';
import { ChatServerEngine } from '../src/server-engine/chat-server-engine';
import { chatRequest, toChatMessages } from '../src/server-engine/request';
import {
  ServerAuthError,
  ServerContextLengthError,
  ServerModelNotFoundError,
  ServerStreamError,
  ServerUnreachableError,
} from '../src/server-engine/errors';
import { testImage } from './support/eval-fixtures';
import { startServe, type ServeProcess } from './support/serve-process';
import type { TurnOptions } from '../src/base/engine';

const PORT = 4222;
const greedy = (maxNewTokens: number): TurnOptions => ({ maxNewTokens, sampling: { kind: 'greedy' } });
const image = testImage(96, 64, 3);
const question = { question: 'What colour is the square?', options: ['red', 'green'] };

let work: string;
let serve: ServeProcess;
let local: QwenVLEngine;
const modelDir = () => join(work, 'tiny');
const remote = (extra: Partial<ConstructorParameters<typeof ChatServerEngine>[0]> = {}) =>
  new ChatServerEngine({ baseUrl: serve.baseUrl, model: 'tiny', ...extra });

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'server-test-'));
  await buildTinyModel(modelDir(), () => {});
  serve = await startServe([modelDir(), '--port', String(PORT), '--name', 'tiny', '--max-queue', '0']);
  local = await QwenVLEngine.load(ort, new DirModelFiles(modelDir()), { variant: 'q4', target: 'cpu' });
}, 120_000);

afterAll(async () => {
  await serve?.stop();
  await local?.dispose();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('chat-server engine on npm run serve', () => {
  it('turn 1: the server tokenizes to the in-process ids and decodes the same greedy tokens', async () => {
    const messages = firstTurn(question, image);
    local.reset();
    let fed = 0;
    const mine = await local.turn(messages, { ...greedy(6), onPrompt: (n) => (fed = n) });
    // The runtime holds what it was fed: the prompt, then every generated id but the last.
    const localIds = local.runtime.history.slice(0, fed);
    expect(local.runtime.history).toHaveLength(fed + mine.generatedTokens - 1);
    const body = {
      ...chatRequest('tiny', toChatMessages(messages, pngDataUrl), {
        maxNewTokens: 6,
        sampling: { kind: 'greedy' },
        stream: false,
      }),
      return_token_ids: true,
    };
    const res = await fetch(`${serve.baseUrl}/chat/completions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json = (await res.json()) as { prompt_token_ids: number[]; choices: { token_ids: number[] }[] };
    expect(json.prompt_token_ids).toEqual(localIds);

    const engine = remote();
    await engine.connect();
    let streamed = '';
    const theirs = await engine.turn(messages, { ...greedy(6), onText: (d) => (streamed += d) });
    expect(theirs.text).toBe(mine.text);
    expect(streamed).toBe(theirs.text);
    expect(theirs.generatedTokens).toBe(mine.generatedTokens);
    expect(theirs.stop).toBe(mine.stop);
    // The same turn without streaming (one JSON answer).
    const whole = await remote({ stream: false }).turn(messages, greedy(6));
    expect(whole.text).toBe(mine.text);
    expect(whole.generatedTokens).toBe(mine.generatedTokens);
  }, 60_000);

  it('a tool-response turn sends the crop and the server prefills only the new chunk', async () => {
    // Its own question: the server would rightly reuse any earlier conversation with the same start.
    const q2 = { question: 'Which colour is in the middle?', options: ['red', 'blue'] };
    const crop = resizeForModel(cropRgb(image, [10, 8, 70, 56]), local.imageLimits);
    local.reset();
    const fed: number[] = [];
    const onPrompt = (n: number) => void fed.push(n);
    const l1 = await local.turn(firstTurn(q2, image), { ...greedy(5), onPrompt });
    const l2 = await local.turn(toolResponseTurn(l1.text, crop), { ...greedy(5), onPrompt });
    const [localFirst, localChunk] = fed;

    const engine = remote();
    await engine.connect();
    const r1 = await engine.turn(firstTurn(q2, image), greedy(5));
    const r2 = await engine.turn(toolResponseTurn(r1.text, crop), greedy(5));
    expect(r1.text).toBe(l1.text);
    expect(r2.text).toBe(l2.text);
    // The server's own count: what it prefilled for turn 2 is the in-process engine's chunk, and
    // it reused turn 1's prompt and every generated token but the last (which opens the chunk).
    expect(r2.promptTokens).toBe(localChunk);
    expect(engine.turns[1].usage?.cachedTokens).toBe(localFirst + l1.generatedTokens - 1);
    expect(r2.promptTokens).toBeLessThan(r1.promptTokens);
    // The crop went on the wire as a lossless PNG of exactly what we cut.
    const sent = engine.turns[1].request.messages.at(-1)!;
    expect(engine.turns[1].request.images).toBe(1);
    const part = Array.isArray(sent.content) ? sent.content[1] : undefined;
    if (part?.type !== 'image_url') throw new Error('expected the crop as the second part');
    const decoded = decodePng(new Uint8Array(Buffer.from(part.image_url.url.split(',')[1], 'base64')));
    expect([decoded.width, decoded.height]).toEqual([crop.width, crop.height]);
    expect(Buffer.from(decoded.data).equals(Buffer.from(crop.data))).toBe(true);
  }, 60_000);

  it('interleaved conversations each keep their cache: the second turn of each prefills only its chunk', async () => {
    const other = testImage(80, 60, 9);
    const crop = resizeForModel(cropRgb(image, [4, 4, 60, 50]), local.imageLimits);
    const a = remote();
    const b = remote();
    await a.connect();
    b.reset();
    const a1 = await a.turn(firstTurn({ question: 'Is there a square?' }, image), greedy(4));
    const b1 = await b.turn(firstTurn({ question: 'Anything else?' }, other), greedy(4));
    const a2 = await a.turn(toolResponseTurn(a1.text, crop), greedy(4));
    const b2 = await b.turn(toolResponseTurn(b1.text, crop), greedy(4));
    // Each second turn found its own conversation's cache, though the other ran in between.
    expect(a.turns[1].usage?.cachedTokens).toBe(a.turns[0].usage!.promptTokens + a1.generatedTokens - 1);
    expect(b.turns[1].usage?.cachedTokens).toBe(b.turns[0].usage!.promptTokens + b1.generatedTokens - 1);
    expect(a2.promptTokens).toBeLessThan(a1.promptTokens);
    expect(b2.promptTokens).toBeLessThan(b1.promptTokens);
  }, 60_000);

  it('the agent runs on the server and records the server in the trace', async () => {
    const engine = remote();
    await engine.connect();
    const events: string[] = [];
    const trace = await runDeepEyes(engine, {
      image,
      ...question,
      settings: { ...DEFAULT_SETTINGS, maxTokensPerTurn: 4 },
      onEvent: (e) => void (e.type === 'token' && events.push(e.text)),
    });
    expect(trace.endReason, trace.error?.message).not.toBe('error');
    expect(trace.backend).toBe(`server/127.0.0.1:${PORT}`);
    expect(trace.modelId).toBe('tiny');
    expect(trace.steps[0].generatedTokens).toBe(4);
    expect(events.join('')).toBe(trace.steps[0].text);
  }, 60_000);

  it('Stop aborts the request; the server is free again', async () => {
    const engine = remote();
    await engine.connect();
    const stop = new AbortController();
    const trace = await runDeepEyes(engine, {
      image,
      ...question,
      settings: { ...DEFAULT_SETTINGS, maxTokensPerTurn: 400 },
      signal: stop.signal,
      onEvent: (e) => {
        if (e.type === 'token' && e.text) stop.abort();
      },
    });
    expect(trace.endReason).toBe('cancelled');
    expect(trace.steps[0]?.action).toEqual({ kind: 'budget', reason: 'stopped by the user' });
    // The server notices the closed connection and stops generating.
    let health = { busy: true };
    for (let i = 0; i < 50 && health.busy; i++) {
      await new Promise((r) => setTimeout(r, 100));
      health = (await (await fetch(serve.baseUrl.replace(/\/v1$/, '/health'))).json()) as { busy: boolean };
    }
    expect(health.busy).toBe(false);
  }, 60_000);

  it('429 and queue-full 503 are retried with backoff', async () => {
    // A loopback proxy that answers 429 twice, then forwards to the real server.
    let refused = 0;
    const target = new URL(serve.baseUrl);
    const proxy: Server = createServer((req, res) => {
      if (req.method === 'POST' && refused < 2) {
        refused++;
        req.resume();
        res.writeHead(429, { 'Content-Type': 'application/json', 'Retry-After': '0' });
        res.end(JSON.stringify({ error: { message: 'rate limited' } }));
        return;
      }
      const up = httpRequest(
        { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
        (r) => {
          res.writeHead(r.statusCode ?? 502, r.headers);
          r.pipe(res);
        },
      );
      req.pipe(up);
    });
    await new Promise<void>((ok) => proxy.listen(4223, '127.0.0.1', ok));
    try {
      const retries: number[] = [];
      const engine = new ChatServerEngine({
        baseUrl: 'http://127.0.0.1:4223/v1',
        model: 'tiny',
        backoffMs: 10,
        onRetry: (_a, _w, status) => retries.push(status),
      });
      const r = await engine.turn(firstTurn(question, image), greedy(2));
      expect(retries).toEqual([429, 429]);
      expect(r.generatedTokens).toBe(2);
    } finally {
      proxy.close();
    }
    // Our server with --max-queue 0 answers a second concurrent request 503 + Retry-After: it waits, then runs.
    const statuses: number[] = [];
    const a = remote();
    const b = remote({ backoffMs: 50, attempts: 40, onRetry: (_a, _w, s) => statuses.push(s) });
    // b is sent once a is streaming (not after a fixed delay: a cached prefix makes a fast).
    let streaming!: () => void;
    const aStreams = new Promise<void>((r) => (streaming = r));
    const [ra, rb] = await Promise.all([
      a.turn(firstTurn(question, image), { ...greedy(400), onText: () => streaming() }),
      aStreams.then(() => b.turn(firstTurn(question, image), greedy(2))),
    ]);
    expect(ra.generatedTokens).toBeGreaterThan(0);
    expect(rb.generatedTokens).toBe(2);
    expect(statuses.length).toBeGreaterThan(0);
    expect(new Set(statuses)).toEqual(new Set([503]));
  }, 60_000);

  it('typed errors: refused, 401, unknown model, context length', async () => {
    const refused = new ChatServerEngine({ baseUrl: 'http://127.0.0.1:4229/v1', model: 'tiny' });
    await expect(refused.turn(firstTurn(question, image), greedy(2))).rejects.toBeInstanceOf(
      ServerUnreachableError,
    );
    await expect(remote({ model: 'nope' }).connect()).rejects.toBeInstanceOf(ServerModelNotFoundError);
    await expect(
      remote({ model: 'nope' }).turn(firstTurn(question, image), greedy(2)),
    ).rejects.toBeInstanceOf(ServerModelNotFoundError);

    const strict = await startServe([
      modelDir(),
      '--port',
      '4224',
      '--name',
      'tiny',
      '--api-key',
      'k1',
      '--max-model-len',
      '40',
    ]);
    try {
      const e = new ChatServerEngine({ baseUrl: strict.baseUrl, model: 'tiny' });
      await expect(e.connect()).rejects.toBeInstanceOf(ServerAuthError);
      const ok = new ChatServerEngine({ baseUrl: strict.baseUrl, model: 'tiny', apiKey: 'k1' });
      await ok.connect();
      const err = await ok.turn(firstTurn(question, image), greedy(2)).catch((x: unknown) => x);
      expect(err).toBeInstanceOf(ServerContextLengthError);
      expect((err as ServerContextLengthError).advice).toMatch(/--max-model-len/);
    } finally {
      await strict.stop();
    }
  }, 90_000);

  it('a server killed mid-answer gives a typed error; the turns before it stay recorded', async () => {
    const doomed = await startServe([modelDir(), '--port', '4225', '--name', 'tiny']);
    const engine = new ChatServerEngine({ baseUrl: doomed.baseUrl, model: 'tiny' });
    const first = await engine.turn(firstTurn(question, image), greedy(2));
    let killed = false;
    const err = await engine
      .turn(
        toolResponseTurn(first.text, resizeForModel(cropRgb(image, [0, 0, 60, 60]), engine.imageLimits)),
        {
          ...greedy(2000),
          onText: () => {
            if (!killed) {
              killed = true;
              doomed.child.kill('SIGKILL');
            }
          },
        },
      )
      .catch((x: unknown) => x);
    await doomed.stop();
    expect(killed).toBe(true);
    expect(err).toBeInstanceOf(ServerStreamError);
    expect((err as ServerStreamError).code).toBe('server_stream_broken');
    expect(engine.turns).toHaveLength(2);
    expect(engine.turns[0].usage?.completionTokens).toBe(2);

    // Through the agent: the run ends as an error that says what broke, with the trace returned.
    const again = await startServe([modelDir(), '--port', '4225', '--name', 'tiny']);
    let cut = false;
    const trace = await runDeepEyes(new ChatServerEngine({ baseUrl: again.baseUrl, model: 'tiny' }), {
      image,
      ...question,
      settings: { ...DEFAULT_SETTINGS, maxTokensPerTurn: 2000 },
      onEvent: (e) => {
        if (e.type === 'token' && !cut) {
          cut = true;
          again.child.kill('SIGKILL');
        }
      },
    });
    await again.stop();
    expect(trace.endReason).toBe('error');
    expect(trace.error?.message).toMatch(/broke off|closed the stream/);
  }, 90_000);
});
