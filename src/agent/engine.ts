/**
 * What the agent loop needs from a model. `src/model`'s QwenVLEngine implements it over
 * onnxruntime; tests may implement it with a scripted model. The agent never sees onnxruntime.
 */
import type { PreparedImage, PrepareImageOptions } from '../model/image/prepare-image';
import type { Tokenizer } from '../model/tokenizer/tokenizer';
import type { ChatTemplate } from '../model/tokenizer/chat-template';
import type { GenerateOptions, GenerateResult } from '../model/runtime/generate';

export interface PrefillStats {
  tokens: number;
  visionMs: number;
  prefillMs: number;
}

export interface Engine {
  readonly modelId: string;
  readonly backend: string;
  readonly tokenizer: Tokenizer;
  readonly template: ChatTemplate;
  /** How this model's processor resizes images (min/max pixels from preprocessor_config.json). */
  readonly imageOptions: PrepareImageOptions;
  readonly stopIds: { imEnd: number; toolCallEnd: number };
  /** Tokens fed to the decoder since load (prefills and decode steps). */
  readonly tokensFed: number;
  /** Drops the conversation (KV cache and positions). */
  reset(): void;
  /** Prefills a chunk on top of the conversation; returns the logits of its last position. */
  prefill(
    ids: readonly number[],
    images: readonly PreparedImage[],
    signal?: AbortSignal,
  ): Promise<{ logits: Float32Array; stats: PrefillStats }>;
  /** Generates one turn; its last id is not fed (the next prefill starts with it). */
  generate(firstLogits: Float32Array, opts: GenerateOptions): Promise<GenerateResult>;
}
