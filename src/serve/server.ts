/**
 * `serve`'s HTTP side on Node's http module: an OpenAI-compatible subset.
 *
 *   GET  /v1/models             the one model (+ how its processor bounds images)
 *   POST /v1/chat/completions   JSON or SSE (stream: true; usage with stream_options.include_usage)
 *   GET  /health                {busy, queued, prefilled}
 *
 * CORS: the allowed origins are configured (`*` or a list); an API key, when set, is required as a
 * bearer token. Bodies above maxBodyBytes are refused with 413. Requests run one at a time.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import {
  BadRequestError,
  errorBody,
  QueueFullError,
  RequestTooLargeError,
  UnknownModelError,
} from './errors';
import type { ModelHost } from './model-host';
import { parseCompletionRequest } from './parse-request';
import { RequestQueue } from './queue';

export interface ServeOptions {
  /** Allowed browser origins: ['*'] for any, [] for none. */
  corsOrigins: string[];
  apiKey?: string;
  maxBodyBytes: number;
  maxQueue: number;
  /** max_tokens when a request gives none. */
  defaultMaxTokens: number;
  log?: (line: string) => void;
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) return reject(new RequestTooLargeError(limit));
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new RequestTooLargeError(limit));
        req.resume();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function corsHeaders(req: IncomingMessage, origins: string[]): Record<string, string> {
  const origin = req.headers.origin;
  if (!origin) return {};
  const allowed = origins.includes('*') ? '*' : origins.includes(origin) ? origin : undefined;
  if (!allowed) return {};
  return {
    'Access-Control-Allow-Origin': allowed,
    'Access-Control-Allow-Headers': 'Content-Type, Authorization',
    'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
    'Access-Control-Max-Age': '600',
    ...(allowed === '*' ? {} : { Vary: 'Origin' }),
  };
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string>) {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

export function createServeServer(
  host: ModelHost,
  opts: ServeOptions,
): { server: Server; queue: RequestQueue } {
  const queue = new RequestQueue(opts.maxQueue);
  const modelId = host.model.modelId;
  const log = opts.log ?? (() => {});

  const server = createServer((req, res) => {
    const cors = corsHeaders(req, opts.corsOrigins);
    const path = (req.url ?? '/').split('?')[0].replace(/\/+$/, '');
    if (req.method === 'OPTIONS') {
      res.writeHead(204, cors);
      res.end();
      return;
    }
    const fail = (e: unknown) => {
      const err =
        e instanceof BadRequestError
          ? e
          : new BadRequestError(e instanceof Error ? e.message : String(e), 500, 'internal_error');
      if (err.status >= 500) log(`error: ${err.message}`);
      if (res.headersSent) {
        // Mid-stream: an error event, then the end of the stream.
        res.end(`data: ${JSON.stringify(errorBody(err))}\n\n`);
      } else
        sendJson(res, err.status, errorBody(err), {
          ...cors,
          ...(err.status === 503 ? { 'Retry-After': '1' } : {}),
        });
    };
    if (opts.apiKey && path.startsWith('/v1') && req.headers.authorization !== `Bearer ${opts.apiKey}`) {
      sendJson(
        res,
        401,
        {
          error: {
            message: 'a valid API key is required (Authorization: Bearer …)',
            type: 'invalid_api_key',
            code: 'invalid_api_key',
          },
        },
        cors,
      );
      return;
    }
    if (req.method === 'GET' && path === '/v1/models') {
      const l = host.model.imageLimits;
      sendJson(
        res,
        200,
        {
          object: 'list',
          data: [
            {
              id: modelId,
              object: 'model',
              created: 0,
              owned_by: 'deepeyes-web',
              deepeyes_image_limits: { min_pixels: l.minPixels ?? null, max_pixels: l.maxPixels ?? null },
            },
          ],
        },
        cors,
      );
      return;
    }
    if (req.method === 'GET' && path === '/health') {
      sendJson(
        res,
        200,
        { busy: queue.busy, queued: queue.queued, prefilled: host.prefilled, last_prefill: host.lastPrefill },
        cors,
      );
      return;
    }
    if (req.method === 'POST' && path === '/v1/chat/completions') {
      void complete(req, res, cors).catch(fail);
      return;
    }
    sendJson(
      res,
      404,
      { error: { message: `no route ${req.method} ${path}`, type: 'not_found', code: 'not_found' } },
      cors,
    );
  });

  async function complete(req: IncomingMessage, res: ServerResponse, cors: Record<string, string>) {
    const raw = await readBody(req, opts.maxBodyBytes);
    let json: unknown;
    try {
      json = JSON.parse(raw.toString('utf8'));
    } catch {
      throw new BadRequestError('the body is not JSON');
    }
    const r = parseCompletionRequest(json, opts.defaultMaxTokens);
    if (r.model !== modelId) throw new UnknownModelError(r.model, modelId);
    if (queue.full) throw new QueueFullError(queue.queued);
    const id = `chatcmpl-${randomUUID()}`;
    const created = Math.floor(Date.now() / 1000);
    const gone = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) gone.abort(new Error('the client went away'));
    });
    const chunk = (choices: unknown[], usage: unknown = null) =>
      `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: modelId, choices, usage })}\n\n`;
    // The stream opens at its first byte, so a request refused before that (context length, bad
    // image) still gets its HTTP status.
    let opened = false;
    const send = (text: string) => {
      if (!opened) {
        opened = true;
        res.writeHead(200, {
          'Content-Type': 'text/event-stream',
          'Cache-Control': 'no-cache',
          Connection: 'keep-alive',
          ...cors,
        });
        res.write(
          chunk([
            { index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null },
          ]),
        );
      }
      if (!res.writableEnded) res.write(text);
    };
    const result = await queue.run(
      async () => {
        return host.complete(
          r,
          (delta) => {
            if (r.stream)
              send(chunk([{ index: 0, delta: { content: delta }, logprobs: null, finish_reason: null }]));
          },
          gone.signal,
        );
      },
      {
        signal: gone.signal,
        // A clear status while waiting: SSE comments, which clients skip.
        onPlace: (ahead) => {
          if (r.stream) send(`: queued, ${ahead} request(s) ahead\n\n`);
        },
      },
    );
    log(
      `${r.messages.length} messages: prompt ${result.promptTokens} (cached ${result.cachedTokens}), generated ${result.completionTokens}, ${result.finishReason}`,
    );
    const usage = {
      prompt_tokens: result.promptTokens,
      completion_tokens: result.completionTokens,
      total_tokens: result.promptTokens + result.completionTokens,
      prompt_tokens_details: { cached_tokens: result.cachedTokens },
    };
    if (r.stream) {
      send(
        chunk([
          {
            index: 0,
            delta: {},
            logprobs: null,
            finish_reason: result.finishReason,
            stop_reason: result.stopReason,
          },
        ]),
      );
      if (r.includeUsage) res.write(chunk([], usage));
      res.end('data: [DONE]\n\n');
      return;
    }
    sendJson(
      res,
      200,
      {
        id,
        object: 'chat.completion',
        created,
        model: modelId,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: result.text },
            logprobs: null,
            finish_reason: result.finishReason,
            stop_reason: result.stopReason,
            ...(r.returnTokenIds ? { token_ids: result.ids } : {}),
          },
        ],
        usage,
        ...(r.returnTokenIds ? { prompt_token_ids: result.promptIds } : {}),
      },
      cors,
    );
  }

  return { server, queue };
}
