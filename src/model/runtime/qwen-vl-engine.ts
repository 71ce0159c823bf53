/**
 * The local ONNX engine: a TurnEngine over a converted Qwen2.5-VL / DeepEyes folder (runtime +
 * tokenizer + chat template + the processor's image limits, loaded together and disposed together).
 * The KV cache is incremental: each turn after the first prefills only its new chunk.
 */
import type { ImageLimits } from '../../base/engine';
import type { PreparedImage } from '../image/prepare-image';
import type { Tokenizer } from '../tokenizer/tokenizer';
import type { ChatTemplate } from '../tokenizer/chat-template';
import { TokenTurnEngine, type StopIds } from '../chat/token-turn-engine';
import { generate, type GenerateOptions, type GenerateResult } from './generate';
import type { ModelFiles } from './model-files';
import type { OrtApi } from './ort-api';
import { QwenVLRuntime } from './qwen-vl-runtime';
import type { LoadProgress, SessionChoice } from './sessions';
import { loadTextAssets } from './text-assets';

async function imageLimitsOf(files: ModelFiles): Promise<ImageLimits> {
  if (!(await files.exists('preprocessor_config.json'))) return {};
  const p = JSON.parse(await files.readText('preprocessor_config.json')) as Record<string, unknown>;
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  const size = (p.size ?? {}) as Record<string, unknown>;
  return {
    minPixels: num(p.min_pixels) ?? num(size.shortest_edge),
    maxPixels: num(p.max_pixels) ?? num(size.longest_edge),
  };
}

export class QwenVLEngine extends TokenTurnEngine {
  private constructor(
    readonly runtime: QwenVLRuntime,
    readonly tokenizer: Tokenizer,
    readonly template: ChatTemplate,
    private limits: ImageLimits,
    readonly backend: string,
  ) {
    super();
  }

  get imageLimits(): ImageLimits {
    return this.limits;
  }

  /**
   * Lowers max_pixels (never raises it) so the vision encoder fits the device; returns whether
   * images will now be downscaled more than the model's processor would.
   */
  limitImagePixels(maxPixels: number): boolean {
    const current = this.limits.maxPixels ?? 12845056;
    if (maxPixels >= current) return false;
    this.limits = { ...this.limits, maxPixels };
    return true;
  }

  static async load(
    ort: OrtApi,
    files: ModelFiles,
    choice: SessionChoice,
    onProgress?: (p: LoadProgress) => void,
  ): Promise<QwenVLEngine> {
    const text = await loadTextAssets(files);
    const limits = await imageLimitsOf(files);
    const runtime = await QwenVLRuntime.load(ort, files, choice, onProgress);
    return new QwenVLEngine(
      runtime,
      text.tokenizer,
      text.template,
      limits,
      `${choice.target}/${choice.variant}`,
    );
  }

  get modelId(): string {
    return this.runtime.modelId;
  }

  get stopIds(): StopIds {
    const t = this.runtime.config.tokens;
    return { imEnd: t.imEnd, toolCallEnd: t.toolCallEnd };
  }

  /** Tokens fed to the decoder since load (prefills and decode steps). */
  get tokensFed(): number {
    return this.runtime.tokensFed;
  }

  protected restart(): void {
    this.runtime.reset();
  }

  protected async prefill(ids: readonly number[], images: readonly PreparedImage[], signal?: AbortSignal) {
    const r = await this.runtime.append(ids, images, { signal });
    return { logits: r.logits, stats: r.stats };
  }

  protected decode(firstLogits: Float32Array, opts: GenerateOptions): Promise<GenerateResult> {
    return generate(this.runtime, firstLogits, opts);
  }

  dispose(): Promise<void> {
    return this.runtime.dispose();
  }
}
