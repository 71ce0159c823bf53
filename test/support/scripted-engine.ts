/**
 * Test engines for the agent. Both are TurnEngines with the local engine's own message handling
 * (chat template, incremental chunks: TokenTurnEngine); only the choice of tokens is scripted.
 * `ScriptedEngine` runs no model at all; `scriptOver` wraps a real engine so the script's tokens
 * are really fed to the decoder (real KV cache, real prefill sizes).
 */
import type { ImageLimits } from '../../src/base/engine';
import { TokenTurnEngine, type PrefillStats } from '../../src/model/chat/token-turn-engine';
import type { PreparedImage } from '../../src/model/image/prepare-image';
import type { GenerateOptions, GenerateResult } from '../../src/model/runtime/generate';
import { RunCancelledError } from '../../src/model/runtime/qwen-vl-runtime';
import type { QwenVLEngine } from '../../src/model/runtime/qwen-vl-engine';
import type { Tokenizer } from '../../src/model/tokenizer/tokenizer';
import type { ChatTemplate } from '../../src/model/tokenizer/chat-template';

export interface PrefillRecord {
  ids: number[];
  images: number;
}

/** Turns as text; each is tokenized and emitted token by token, stopping like the real loop would. */
export function scriptToIds(tokenizer: Tokenizer, turns: string[]): number[][] {
  return turns.map((t) => tokenizer.encode(t));
}

async function playScript(
  ids: number[],
  opts: GenerateOptions,
  feed: (id: number) => Promise<void>,
): Promise<GenerateResult> {
  const out: number[] = [];
  const t0 = performance.now();
  for (const id of ids) {
    if (opts.signal?.aborted) throw new RunCancelledError();
    out.push(id);
    opts.onToken?.(id, out.length - 1);
    if (opts.stopIds.includes(id)) return { ids: out, stop: 'stop_token', decodeMs: performance.now() - t0 };
    if (out.length >= opts.maxNewTokens)
      return { ids: out, stop: 'max_tokens', decodeMs: performance.now() - t0 };
    await feed(id);
  }
  return { ids: out, stop: 'max_tokens', decodeMs: performance.now() - t0 };
}

export class ScriptedEngine extends TokenTurnEngine {
  readonly modelId: string = 'scripted';
  readonly backend = 'none';
  readonly imageLimits: ImageLimits = {};
  readonly stopIds = { imEnd: 151645, toolCallEnd: 151658 };
  tokensFed = 0;
  readonly prefills: PrefillRecord[] = [];
  private turnIndex = 0;

  constructor(
    readonly tokenizer: Tokenizer,
    readonly template: ChatTemplate,
    private readonly turns: number[][],
    /** Called before each scripted turn: lets a test abort mid-run. */
    private readonly beforeTurn?: (turn: number) => void,
  ) {
    super();
  }

  protected restart(): void {}

  override reset(): void {
    this.turnIndex = 0;
    super.reset();
  }

  protected async prefill(
    ids: readonly number[],
    images: readonly PreparedImage[],
  ): Promise<{ logits: Float32Array; stats: PrefillStats }> {
    this.prefills.push({ ids: [...ids], images: images.length });
    this.tokensFed += ids.length;
    return { logits: new Float32Array(8), stats: { tokens: ids.length, visionMs: 0, prefillMs: 0 } };
  }

  protected decode(_logits: Float32Array, opts: GenerateOptions): Promise<GenerateResult> {
    this.beforeTurn?.(this.turnIndex);
    const ids = this.turns[this.turnIndex++] ?? [];
    return playScript(ids, opts, async () => {
      this.tokensFed++;
    });
  }
}

/** How scriptOver's engine prefills a chunk (the bench swaps in a stateless re-prefill). */
export interface ScriptedPrefill {
  prefill(
    ids: readonly number[],
    images: readonly PreparedImage[],
    signal?: AbortSignal,
  ): Promise<{ logits: Float32Array; stats: PrefillStats }>;
  /** A conversation starts (the cache was just dropped). */
  restart?(): void;
}

/** A real engine whose token choices come from a script (the decoder still runs every token). */
export function scriptOver(
  engine: QwenVLEngine,
  turns: number[][],
  feed: (id: number) => Promise<void>,
  how: ScriptedPrefill = {
    prefill: async (ids, images, signal) => {
      const r = await engine.runtime.append(ids, images, { signal });
      return { logits: r.logits, stats: r.stats };
    },
  },
): TokenTurnEngine & { prefills: PrefillRecord[] } {
  let turn = 0;
  return new (class extends TokenTurnEngine {
    readonly prefills: PrefillRecord[] = [];
    readonly modelId = engine.modelId;
    readonly backend = engine.backend;
    readonly imageLimits = engine.imageLimits;
    readonly tokenizer = engine.tokenizer;
    readonly template = engine.template;
    readonly stopIds = engine.stopIds;
    override reset(): void {
      turn = 0;
      super.reset();
    }
    protected restart(): void {
      engine.runtime.reset();
      how.restart?.();
    }
    protected prefill(ids: readonly number[], images: readonly PreparedImage[], signal?: AbortSignal) {
      this.prefills.push({ ids: [...ids], images: images.length });
      return how.prefill(ids, images, signal);
    }
    protected decode(_logits: Float32Array, opts: GenerateOptions): Promise<GenerateResult> {
      return playScript(turns[turn++] ?? [], opts, feed);
    }
  })();
}
