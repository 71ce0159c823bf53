/**
 * The hub reader against a loopback hub (test/support/hub-server.ts: resolve -> CDN redirect,
 * Range, 416, ETag, a gated repo, an HTML page, a cut connection) serving a non-default
 * checkpoint; the reference is the same checkpoint read from the local folder.
 */
import { openLocalCheckpoint } from '../../convert/safetensors/node-files';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SafetensorsReader } from '../../convert/safetensors/reader';
import { makeHubCheckpoint } from '../../../test/support/hub-checkpoint';
import { startHubServer, type HubServer } from '../../../test/support/hub-server';
import { HubAuthError, HubHtmlPageError, HubNotFoundError, HubRangeError } from './hub-errors';
import { HubFiles } from './hub-files';
import { parseHubRef } from './hub-ref';

const root = mkdtempSync(join(tmpdir(), 'deepeyes-hub-'));
const dir = join(root, 'ckpt');
let hub: HubServer;
const FAST = { attempts: 4, baseDelayMs: 5, maxDelayMs: 20 };
const files = (repo: string, token?: string) =>
  new HubFiles(parseHubRef(repo)!, { endpoint: hub.endpoint, token, retry: FAST });

beforeAll(async () => {
  await makeHubCheckpoint(dir);
  hub = await startHubServer({
    'org/open': { dir },
    'org/gated': { dir, gatedToken: 'hf_secret' },
    'org/login': { dir, html: true },
  });
}, 120_000);

afterAll(async () => {
  await hub?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('parseHubRef', () => {
  it('reads repo ids, hf: refs with revisions and hub URLs; rejects paths and other URLs', () => {
    expect(parseHubRef('ChenShawn/DeepEyes-7B')).toEqual({ repo: 'ChenShawn/DeepEyes-7B', revision: 'main' });
    expect(parseHubRef('hf:Qwen/Qwen2.5-VL-3B-Instruct@abc123')).toEqual({
      repo: 'Qwen/Qwen2.5-VL-3B-Instruct',
      revision: 'abc123',
    });
    expect(parseHubRef('https://huggingface.co/ChenShawn/DeepEyes-7B/tree/v1')).toEqual({
      repo: 'ChenShawn/DeepEyes-7B',
      revision: 'v1',
    });
    for (const bad of ['./models/tiny', '/abs/path', 'https://example.com/a/b', 'just-a-name', 'a/../b'])
      expect(parseHubRef(bad), bad).toBeNull();
  });
});

describe('HubFiles', () => {
  it('reads the sharded checkpoint over Range requests exactly as the local folder', async () => {
    const local = await openLocalCheckpoint(dir);
    const remote = await SafetensorsReader.openFiles(files('org/open'));
    try {
      const names = local.tensors().map((t) => t.name);
      expect(remote.tensors().map((t) => t.name)).toEqual(names);
      expect(names).not.toContain('lm_head.weight'); // tied embeddings: the non-default layout
      for (const n of [names[0], 'model.embed_tokens.weight', names.at(-1)!]) {
        expect(Buffer.from(await remote.readRaw(n)).equals(Buffer.from(await local.readRaw(n))), n).toBe(
          true,
        );
      }
      // A big tensor in row chunks: each chunk is its own Range request to the CDN.
      const before = hub.requests.length;
      let elements = 0;
      for await (const c of remote.readF32Chunks('model.embed_tokens.weight', 1 << 22)) elements += c.length;
      expect(elements).toBe(151936 * 128);
      const chunkReqs = hub.requests.slice(before);
      expect(chunkReqs.filter((r) => r.server === 'cdn' && r.status === 206).length).toBe(5);
    } finally {
      await local.close();
      await remote.close();
    }
    // Weights went through the resolve URL's redirect to the CDN, as ranges.
    const cdn = hub.requests.filter((r) => r.server === 'cdn' && r.method === 'GET');
    expect(cdn.length).toBeGreaterThan(0);
    expect(cdn.every((r) => r.range?.startsWith('bytes=') && r.status === 206)).toBe(true);
    expect(hub.requests.some((r) => r.server === 'hub' && r.status === 302)).toBe(true);
  });

  it('sends the token to the hub only, never to the CDN it redirects to', async () => {
    const f = files('org/gated', 'hf_secret');
    const before = hub.requests.length;
    const r = await SafetensorsReader.openFiles(f);
    await r.readRaw(r.tensors()[0].name);
    await r.close();
    const reqs = hub.requests.slice(before);
    expect(reqs.filter((q) => q.server === 'hub').every((q) => q.auth)).toBe(true);
    expect(reqs.filter((q) => q.server === 'cdn').length).toBeGreaterThan(0);
    expect(reqs.filter((q) => q.server === 'cdn').some((q) => q.auth)).toBe(false);
  });

  it('a gated repo without a token says to accept the licence and add a token', async () => {
    const err = await files('org/gated')
      .readBytes('config.json')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HubAuthError);
    expect((err as HubAuthError).toInfo()).toMatchObject({ code: 'hub-auth', retryable: false });
    expect((err as HubAuthError).advice).toMatch(/accept its licence.*token/s);
    const wrong = await files('org/gated', 'hf_wrong')
      .exists('config.json')
      .catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(HubAuthError);
  });

  it('404 for a missing file or repo, HTML page for a login wall', async () => {
    expect(await files('org/open').exists('generation_config.json')).toBe(false);
    await expect(files('org/nope').readBytes('config.json')).rejects.toBeInstanceOf(HubNotFoundError);
    await expect(files('org/login').readBytes('config.json')).rejects.toBeInstanceOf(HubHtmlPageError);
    await expect(SafetensorsReader.openFiles(files('org/login'))).rejects.toBeInstanceOf(HubHtmlPageError);
  });

  it('a connection cut mid-tensor resumes from the byte where it stopped', async () => {
    const f = files('org/open');
    const shard = 'model-00001-of-00002.safetensors';
    const want = new Uint8Array(readFileSync(join(dir, shard)).subarray(1000, 1000 + 4_000_000));
    hub.cutOnce(shard);
    const before = hub.requests.length;
    const got = new Uint8Array(want.length);
    await f.readRange(shard, 1000, got);
    expect(Buffer.from(got).equals(Buffer.from(want))).toBe(true);
    const ranges = hub.requests
      .slice(before)
      .filter((r) => r.server === 'cdn')
      .map((r) => r.range);
    expect(ranges).toEqual([
      `bytes=1000-${1000 + want.length - 1}`,
      `bytes=${1000 + want.length / 2}-${1000 + want.length - 1}`,
    ]);
  });

  it('416 past the end of a file is a typed range error, not a retry loop', async () => {
    const f = files('org/open');
    const shard = 'model-00001-of-00002.safetensors';
    const size = await f.size(shard);
    const before = hub.requests.length;
    await expect(f.readRange(shard, size + 10, new Uint8Array(4))).rejects.toBeInstanceOf(HubRangeError);
    expect(hub.requests.slice(before).filter((r) => r.status === 416)).toHaveLength(1);
  });
});
