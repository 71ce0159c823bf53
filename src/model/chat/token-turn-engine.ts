/**
 * The turn-level engine over a token-level model: messages -> ids (ConversationFeed), prefill,
 * generate until </tool_call>, <|im_end|> or the budget, stream the text. Subclasses say how a
 * chunk is prefilled and how tokens are chosen and fed: the ONNX runtime (QwenVLEngine) or a script
 * (the test engines).
 */
import type { ImageLimits, Message, TurnEngine, TurnOptions, TurnResult, TurnStop } from '../../base/engine';
import type { PreparedImage } from '../image/prepare-image';
import type { GenerateOptions, GenerateResult } from '../runtime/generate';
import type { ChatTemplate } from '../tokenizer/chat-template';
import type { Tokenizer } from '../tokenizer/tokenizer';
import { ConversationFeed, type FeedChunk } from './conversation-feed';

export interface PrefillStats {
  tokens: number;
  visionMs: number;
  prefillMs: number;
}

export interface StopIds {
  imEnd: number;
  toolCallEnd: number;
}

function now(): number {
  return performance.now();
}

export abstract class TokenTurnEngine implements TurnEngine {
  abstract readonly modelId: string;
  abstract readonly backend: string;
  abstract readonly imageLimits: ImageLimits;
  private feed: ConversationFeed | undefined;

  abstract readonly tokenizer: Tokenizer;
  abstract readonly template: ChatTemplate;
  abstract readonly stopIds: StopIds;

  /** Drops the cache (and positions); the next prefill starts a conversation. */
  protected abstract restart(): void;
  protected abstract prefill(
    ids: readonly number[],
    images: readonly PreparedImage[],
    signal?: AbortSignal,
  ): Promise<{ logits: Float32Array; stats: PrefillStats }>;
  /** Generates one turn from `firstLogits`; its last id is returned but not fed. */
  protected abstract decode(firstLogits: Float32Array, opts: GenerateOptions): Promise<GenerateResult>;

  private conversation(): ConversationFeed {
    return (this.feed ??= new ConversationFeed(this.tokenizer, this.template, this.stopIds.imEnd));
  }

  reset(): void {
    this.conversation().reset();
    this.restart();
  }

  async turn(append: readonly Message[], opts: TurnOptions): Promise<TurnResult> {
    const feed = this.conversation();
    const t0 = now();
    const chunk: FeedChunk = feed.next(append, this.imageLimits);
    if (chunk.restart) this.restart();
    opts.onPrompt?.(chunk.ids.length);
    const { imEnd, toolCallEnd } = this.stopIds;
    const detok = this.tokenizer.createStreamDetokenizer({ skipSpecial: true });
    let firstTokenAt = 0;
    try {
      const { logits, stats } = await this.prefill(chunk.ids, chunk.images, opts.signal);
      const gen = await this.decode(logits, {
        maxNewTokens: opts.maxNewTokens,
        stopIds: [imEnd, toolCallEnd],
        sampling: opts.sampling,
        signal: opts.signal,
        onToken: (id, index) => {
          if (index === 0) firstTokenAt = now();
          opts.onText?.(detok.push(id), id);
        },
      });
      const rest = detok.flush();
      if (rest) opts.onText?.(rest, -1);
      const text = this.tokenizer.decode(gen.ids, { skipSpecial: true });
      feed.generated(gen.ids, text);
      const lastId = gen.ids[gen.ids.length - 1];
      const stop: TurnStop =
        gen.stop === 'max_tokens' ? 'max_tokens' : lastId === toolCallEnd ? 'tool_call' : 'end';
      return {
        text,
        stop,
        promptTokens: chunk.ids.length,
        generatedTokens: gen.ids.length,
        timings: {
          ttftMs: (firstTokenAt || now()) - t0,
          prefillMs: stats.prefillMs,
          prefillTokens: stats.tokens,
          decodeMs: gen.decodeMs,
          decodeTokens: Math.max(0, gen.ids.length - 1),
          visionMs: stats.visionMs,
        },
      };
    } catch (e) {
      feed.invalidate();
      throw e;
    }
  }
}
