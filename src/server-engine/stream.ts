/**
 * Reading a chat-completions answer: Server-Sent Events split into `data:` payloads, each a
 * `chat.completion.chunk` (or the final usage-only chunk), and the non-streamed
 * `chat.completion` object. Only the fields we use are read; anything else is ignored.
 */
import { ServerContextLengthError, ServerStreamError } from './errors';

export interface Usage {
  promptTokens: number;
  completionTokens: number;
  /** Prompt tokens the server took from its prefix cache (vLLM/our serve: prompt_tokens_details). */
  cachedTokens?: number;
}

export interface ChunkInfo {
  /** Text added by this chunk ('' when none). */
  delta: string;
  /** 'stop' | 'length' | … on the chunk that ends the choice. */
  finishReason?: string;
  /** Which stop string ended it, when the server says (vLLM: stop_reason; SGLang: matched_stop). */
  matchedStop?: string;
  usage?: Usage;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function parseUsage(v: unknown): Usage | undefined {
  if (!isRecord(v) || typeof v.prompt_tokens !== 'number' || typeof v.completion_tokens !== 'number')
    return undefined;
  const details = v.prompt_tokens_details;
  const cached =
    isRecord(details) && typeof details.cached_tokens === 'number' ? details.cached_tokens : undefined;
  return {
    promptTokens: v.prompt_tokens,
    completionTokens: v.completion_tokens,
    ...(cached !== undefined ? { cachedTokens: cached } : {}),
  };
}

function stopOf(choice: Record<string, unknown>): string | undefined {
  const s = choice.stop_reason ?? choice.matched_stop;
  return typeof s === 'string' ? s : undefined;
}

/** One parsed `data:` payload of a streamed answer. */
export function parseChunk(payload: string): ChunkInfo {
  let json: unknown;
  try {
    json = JSON.parse(payload);
  } catch (e) {
    throw new ServerStreamError(
      `the server sent a stream event that is not JSON: ${payload.slice(0, 120)}`,
      e,
    );
  }
  if (!isRecord(json)) throw new ServerStreamError('the server sent a stream event that is not an object');
  if (isRecord(json.error)) {
    const message = String(json.error.message ?? '');
    if (/context.length|maximum context/i.test(message + String(json.error.code ?? '')))
      throw new ServerContextLengthError(message);
    throw new ServerStreamError(`the server reported an error mid-stream: ${message}`);
  }
  const usage = parseUsage(json.usage);
  const choice = Array.isArray(json.choices) && isRecord(json.choices[0]) ? json.choices[0] : undefined;
  const delta =
    choice && isRecord(choice.delta) && typeof choice.delta.content === 'string' ? choice.delta.content : '';
  const finish = choice && typeof choice.finish_reason === 'string' ? choice.finish_reason : undefined;
  const matched = choice ? stopOf(choice) : undefined;
  return {
    delta,
    ...(finish ? { finishReason: finish } : {}),
    ...(matched ? { matchedStop: matched } : {}),
    ...(usage ? { usage } : {}),
  };
}

/** The non-streamed answer (`chat.completion`) as one chunk. */
export function parseCompletion(json: unknown): ChunkInfo {
  if (!isRecord(json) || !Array.isArray(json.choices) || !isRecord(json.choices[0]))
    throw new ServerStreamError('the server answered without choices');
  const choice = json.choices[0];
  const message = isRecord(choice.message) ? choice.message : {};
  const usage = parseUsage(json.usage);
  const matched = stopOf(choice);
  return {
    delta: typeof message.content === 'string' ? message.content : '',
    ...(typeof choice.finish_reason === 'string' ? { finishReason: choice.finish_reason } : {}),
    ...(matched ? { matchedStop: matched } : {}),
    ...(usage ? { usage } : {}),
  };
}

/**
 * Splits an SSE byte stream into the payloads of its `data:` fields (one per event; `[DONE]`
 * ends it). Events are separated by a blank line; CRLF and LF both occur in the wild.
 */
export class SseSplitter {
  private buffer = '';
  done = false;

  push(text: string): string[] {
    this.buffer += text;
    const out: string[] = [];
    for (;;) {
      const m = /\r?\n\r?\n/.exec(this.buffer);
      if (!m) break;
      const event = this.buffer.slice(0, m.index);
      this.buffer = this.buffer.slice(m.index + m[0].length);
      const data = event
        .split(/\r?\n/)
        .filter((l) => l.startsWith('data:'))
        .map((l) => l.slice(5).replace(/^ /, ''))
        .join('\n');
      if (!data) continue;
      if (data === '[DONE]') {
        this.done = true;
        break;
      }
      out.push(data);
    }
    return out;
  }
}
