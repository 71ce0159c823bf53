/**
 * Test engines for the agent loop. `ScriptedEngine` plays assistant turns from a script with no
 * model at all; `scriptOver` wraps a real engine so the script's tokens are really fed to the
 * decoder (real KV cache, real prefill sizes) while the choice of tokens is scripted.
 */
import type { Engine, PrefillStats } from '../../src/agent/engine';
import type { PreparedImage } from '../../src/model/image/prepare-image';
import type { GenerateOptions, GenerateResult } from '../../src/model/runtime/generate';
import { RunCancelledError } from '../../src/model/runtime/qwen-vl-runtime';
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

export class ScriptedEngine implements Engine {
  readonly modelId = 'scripted';
  readonly backend = 'none';
  readonly imageOptions = {};
  readonly stopIds = { imEnd: 151645, toolCallEnd: 151658 };
  readonly prefills: PrefillRecord[] = [];
  tokensFed = 0;
  private turn = 0;

  constructor(
    readonly tokenizer: Tokenizer,
    readonly template: ChatTemplate,
    private readonly turns: number[][],
    /** Called before each scripted turn: lets a test abort mid-run. */
    private readonly beforeTurn?: (turn: number) => void,
  ) {}

  reset(): void {
    this.turn = 0;
  }

  async prefill(ids: readonly number[], images: readonly PreparedImage[]) {
    this.prefills.push({ ids: [...ids], images: images.length });
    this.tokensFed += ids.length;
    const stats: PrefillStats = { tokens: ids.length, visionMs: 0, prefillMs: 0 };
    return { logits: new Float32Array(8), stats };
  }

  async generate(_logits: Float32Array, opts: GenerateOptions): Promise<GenerateResult> {
    this.beforeTurn?.(this.turn);
    const ids = this.turns[this.turn++] ?? [];
    return playScript(ids, opts, async () => {
      this.tokensFed++;
    });
  }
}

/** A real engine whose token choices come from a script (the decoder still runs every token). */
export function scriptOver(
  engine: Engine & { prefill: Engine['prefill'] },
  turns: number[][],
  feed: (id: number) => Promise<void>,
): Engine & { prefills: PrefillRecord[] } {
  let turn = 0;
  const prefills: PrefillRecord[] = [];
  return {
    get modelId() {
      return engine.modelId;
    },
    get backend() {
      return engine.backend;
    },
    get tokensFed() {
      return engine.tokensFed;
    },
    tokenizer: engine.tokenizer,
    template: engine.template as ChatTemplate,
    imageOptions: engine.imageOptions,
    stopIds: engine.stopIds,
    prefills,
    reset: () => {
      turn = 0;
      engine.reset();
    },
    prefill: async (ids, images, signal) => {
      prefills.push({ ids: [...ids], images: images.length });
      return engine.prefill(ids, images, signal);
    },
    generate: (_logits, opts) => playScript(turns[turn++] ?? [], opts, feed),
  };
}
