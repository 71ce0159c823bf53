/**
 * A chat-completions request body -> what `serve` runs, checked field by field (OpenAI's shapes:
 * messages with string content or [text | image_url] parts; images only as data URLs, since the
 * server reaches nothing outside itself).
 */
import type { Sampling } from '../base/types';
import { BadRequestError } from './errors';

export type RequestPart = { type: 'text'; text: string } | { type: 'image'; dataUrl: string };

export interface RequestMessage {
  role: 'system' | 'user' | 'assistant';
  content: string | RequestPart[];
}

export interface CompletionRequest {
  model: string;
  messages: RequestMessage[];
  maxTokens: number;
  sampling: Sampling;
  stop: string[];
  stream: boolean;
  includeUsage: boolean;
  /** vLLM's `return_token_ids`: the response carries prompt_token_ids and the choice's token_ids. */
  returnTokenIds: boolean;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const ROLES = new Set(['system', 'user', 'assistant']);

function parsePart(p: unknown, where: string): RequestPart {
  if (!isRecord(p)) throw new BadRequestError(`${where} must be an object`);
  if (p.type === 'text' && typeof p.text === 'string') return { type: 'text', text: p.text };
  if (p.type === 'image_url') {
    const u = isRecord(p.image_url) ? p.image_url.url : p.image_url;
    if (typeof u !== 'string') throw new BadRequestError(`${where}.image_url.url must be a string`);
    if (!u.startsWith('data:image/'))
      throw new BadRequestError(
        `${where}: images must be data URLs (data:image/png;base64,…); this server fetches nothing`,
      );
    return { type: 'image', dataUrl: u };
  }
  throw new BadRequestError(`${where} must be {type:"text",text} or {type:"image_url",image_url:{url}}`);
}

function parseMessage(m: unknown, i: number): RequestMessage {
  if (!isRecord(m) || typeof m.role !== 'string' || !ROLES.has(m.role))
    throw new BadRequestError(`messages[${i}] needs a role of system, user or assistant`);
  const role = m.role as RequestMessage['role'];
  if (typeof m.content === 'string') return { role, content: m.content };
  if (!Array.isArray(m.content))
    throw new BadRequestError(`messages[${i}].content must be a string or an array`);
  return { role, content: m.content.map((p, j) => parsePart(p, `messages[${i}].content[${j}]`)) };
}

function num(v: unknown, name: string, min: number, max: number): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max)
    throw new BadRequestError(`${name} must be a number in [${min}, ${max}]`);
  return v;
}

export function parseCompletionRequest(body: unknown, defaultMaxTokens: number): CompletionRequest {
  if (!isRecord(body)) throw new BadRequestError('the body must be a JSON object');
  if (typeof body.model !== 'string') throw new BadRequestError('model must be a string');
  if (!Array.isArray(body.messages) || body.messages.length === 0)
    throw new BadRequestError('messages must be a non-empty array');
  const messages = body.messages.map(parseMessage);
  const maxTokens =
    num(body.max_completion_tokens ?? body.max_tokens, 'max_tokens', 1, 1 << 20) ?? defaultMaxTokens;
  if (!Number.isInteger(maxTokens)) throw new BadRequestError('max_tokens must be a whole number');
  // OpenAI's defaults: temperature 1, top_p 1. Temperature 0 is greedy (as in vLLM).
  const temperature = num(body.temperature, 'temperature', 0, 2) ?? 1;
  const topP = num(body.top_p, 'top_p', 0, 1) ?? 1;
  const seed = num(body.seed, 'seed', -(2 ** 53), 2 ** 53);
  const sampling: Sampling =
    temperature === 0
      ? { kind: 'greedy' }
      : { kind: 'sample', temperature, topP, seed: seed ?? Math.floor(Math.random() * 2 ** 31) };
  const stop =
    body.stop === undefined || body.stop === null
      ? []
      : typeof body.stop === 'string'
        ? [body.stop]
        : Array.isArray(body.stop) && body.stop.every((s) => typeof s === 'string')
          ? (body.stop as string[])
          : (() => {
              throw new BadRequestError('stop must be a string or an array of strings');
            })();
  const opts = isRecord(body.stream_options) ? body.stream_options : {};
  return {
    model: body.model,
    messages,
    maxTokens,
    sampling,
    stop: stop.filter((s) => s.length > 0),
    stream: body.stream === true,
    includeUsage: opts.include_usage === true,
    returnTokenIds: body.return_token_ids === true,
  };
}
