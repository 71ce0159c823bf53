/**
 * The chat-server engine: a TurnEngine over an OpenAI-compatible chat-completions server (vLLM,
 * SGLang, llama.cpp, our `serve`). The server keeps no conversation: each turn resends every
 * message so far plus the new ones (a server with prefix caching prefills only the new chunk).
 * Images go at full resolution (the server's processor resizes them); the agent still cuts crops
 * from the original on our side.
 *
 *   append ─► messages JSON (+ data URLs) ─► POST /chat/completions (SSE) ─► deltas ─► onText
 *                                                                          └► finish + usage ─► TurnResult
 */
import type { ImageLimits, Message, TurnEngine, TurnOptions, TurnResult, TurnStop } from '../base/engine';
import { pngDataUrl } from '../image-io/png';
import { IM_END } from '../agent/protocol/prompts';
import { ServerStreamError } from './errors';
import { request, type ServerConfig } from './http';
import { findModel, STOCK_IMAGE_LIMITS } from './models';
import {
  chatRequest,
  toChatMessages,
  TOOL_CALL_END,
  type ChatMessageJson,
  type ImageEncoder,
} from './request';
import { parseChunk, parseCompletion, SseSplitter, type ChunkInfo, type Usage } from './stream';

export interface ChatServerOptions extends ServerConfig {
  /** How the server's processor bounds images (default: the stock Qwen2.5-VL processor's). */
  imageLimits?: ImageLimits;
  /** SSE (default) or one JSON answer. */
  stream?: boolean;
  encodeImage?: ImageEncoder;
  /** Told when a 429/503 is retried. */
  onRetry?: (attempt: number, waitMs: number, status: number) => void;
}

/** What the last turn sent and got, for traces and tests. */
export interface ServerTurnRecord {
  request: { messages: ChatMessageJson[]; images: number };
  usage?: Usage;
}

function now(): number {
  return performance.now();
}

/** An opened `<tool_call>` with no close after it: the server dropped the stop string. */
function hasOpenToolCall(text: string): boolean {
  const open = text.lastIndexOf('<tool_call>');
  return open >= 0 && text.indexOf(TOOL_CALL_END, open) < 0;
}

export class ChatServerEngine implements TurnEngine {
  readonly backend: string;
  private limits: ImageLimits;
  private history: ChatMessageJson[] = [];
  /** Every turn's request and usage since construction. */
  readonly turns: ServerTurnRecord[] = [];

  constructor(private readonly opts: ChatServerOptions) {
    this.limits = opts.imageLimits ?? STOCK_IMAGE_LIMITS;
    this.backend = `server/${new URL(opts.baseUrl).host}`;
  }

  /**
   * Health check: the server answers /models and serves this model. Adopts the image limits our
   * `serve` reports (other servers keep the configured or stock ones).
   */
  async connect(signal?: AbortSignal): Promise<void> {
    const m = await findModel(this.opts, signal);
    if (m.imageLimits && !this.opts.imageLimits) this.limits = { ...this.limits, ...m.imageLimits };
  }

  get modelId(): string {
    return this.opts.model;
  }

  get imageLimits(): ImageLimits {
    return this.limits;
  }

  reset(): void {
    this.history = [];
  }

  async turn(append: readonly Message[], opts: TurnOptions): Promise<TurnResult> {
    const encode = this.opts.encodeImage ?? pngDataUrl;
    const added = toChatMessages(append, encode);
    const messages = [...this.history, ...added];
    const stream = this.opts.stream ?? true;
    const body = chatRequest(this.opts.model, messages, {
      maxNewTokens: opts.maxNewTokens,
      sampling: opts.sampling,
      stream,
    });
    const images = added.reduce(
      (n, m) =>
        n + (typeof m.content === 'string' ? 0 : m.content.filter((p) => p.type === 'image_url').length),
      0,
    );
    const record: ServerTurnRecord = { request: { messages, images } };
    this.turns.push(record);

    const t0 = now();
    const res = await request(this.opts, '/chat/completions', body, opts.signal, this.opts.onRetry);
    let text = '';
    let firstAt = 0;
    let lastAt = 0;
    let chunks = 0;
    let end: ChunkInfo = { delta: '' };
    const take = (c: ChunkInfo) => {
      if (c.delta) {
        // Servers that keep special tokens in the text would hand back <|im_end|>: it is not text.
        const delta = c.delta.split(IM_END).join('');
        if (!firstAt) firstAt = now();
        lastAt = now();
        chunks++;
        text += delta;
        if (delta) opts.onText?.(delta);
      }
      if (c.finishReason)
        end = {
          ...end,
          finishReason: c.finishReason,
          ...(c.matchedStop ? { matchedStop: c.matchedStop } : {}),
        };
      if (c.usage) end = { ...end, usage: c.usage };
    };
    if (stream) await this.readStream(res, take, opts.signal);
    else take(parseCompletion(await res.json()));

    let stop: TurnStop = end.finishReason === 'length' ? 'max_tokens' : 'end';
    if (end.finishReason !== 'length') {
      // vLLM and SGLang drop the matched stop string from the text; the conversation needs it.
      const droppedToolEnd =
        end.matchedStop === TOOL_CALL_END || (end.matchedStop === undefined && hasOpenToolCall(text));
      if (text.endsWith(TOOL_CALL_END)) stop = 'tool_call';
      else if (droppedToolEnd && hasOpenToolCall(text)) {
        text += TOOL_CALL_END;
        opts.onText?.(TOOL_CALL_END);
        stop = 'tool_call';
      }
    }
    const usage = end.usage;
    if (usage) record.usage = usage;
    const generated = usage?.completionTokens ?? chunks;
    const fed = usage ? usage.promptTokens - (usage.cachedTokens ?? 0) : 0;
    const ttft = (firstAt || now()) - t0;
    // The next append starts with this assistant turn as we returned it.
    this.history = messages;
    return {
      text,
      stop,
      promptTokens: fed,
      generatedTokens: generated,
      timings: {
        ttftMs: ttft,
        prefillMs: ttft,
        prefillTokens: fed,
        decodeMs: firstAt ? lastAt - firstAt : 0,
        decodeTokens: Math.max(0, generated - 1),
        visionMs: 0,
      },
    };
  }

  private async readStream(res: Response, take: (c: ChunkInfo) => void, signal?: AbortSignal): Promise<void> {
    if (!res.body) throw new ServerStreamError('the server sent no body');
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    const sse = new SseSplitter();
    try {
      for (;;) {
        let r;
        try {
          r = await reader.read();
        } catch (e) {
          if (signal?.aborted) throw e;
          throw new ServerStreamError('the connection to the server broke off mid-answer', e);
        }
        if (r.done) break;
        for (const payload of sse.push(r.value)) take(parseChunk(payload));
        if (sse.done) break;
      }
    } finally {
      reader.releaseLock();
    }
    if (!sse.done) throw new ServerStreamError('the server closed the stream before it finished the answer');
  }
}
