/**
 * The agent's Engine over a converted Qwen2.5-VL / DeepEyes folder: runtime + tokenizer + template
 * + the processor's image limits, loaded together and disposed together.
 */
import type { PrepareImageOptions, PreparedImage } from '../image/prepare-image';
import type { Tokenizer } from '../tokenizer/tokenizer';
import type { ChatTemplate } from '../tokenizer/chat-template';
import { generate, type GenerateOptions, type GenerateResult } from './generate';
import type { ModelFiles } from './model-files';
import type { OrtApi } from './ort-api';
import { QwenVLRuntime } from './qwen-vl-runtime';
import type { LoadProgress, SessionChoice } from './sessions';
import { loadTextAssets } from './text-assets';

async function imageOptionsOf(files: ModelFiles): Promise<PrepareImageOptions> {
  if (!(await files.exists('preprocessor_config.json'))) return {};
  const p = JSON.parse(await files.readText('preprocessor_config.json')) as Record<string, unknown>;
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  const size = (p.size ?? {}) as Record<string, unknown>;
  return {
    minPixels: num(p.min_pixels) ?? num(size.shortest_edge),
    maxPixels: num(p.max_pixels) ?? num(size.longest_edge),
  };
}

export class QwenVLEngine {
  private constructor(
    readonly runtime: QwenVLRuntime,
    readonly tokenizer: Tokenizer,
    readonly template: ChatTemplate,
    private options: PrepareImageOptions,
    readonly backend: string,
  ) {}

  get imageOptions(): PrepareImageOptions {
    return this.options;
  }

  /**
   * Lowers max_pixels (never raises it) so the vision encoder fits the device; returns whether
   * images will now be downscaled more than the model's processor would.
   */
  limitImagePixels(maxPixels: number): boolean {
    const current = this.options.maxPixels ?? 12845056;
    if (maxPixels >= current) return false;
    this.options = { ...this.options, maxPixels };
    return true;
  }

  static async load(
    ort: OrtApi,
    files: ModelFiles,
    choice: SessionChoice,
    onProgress?: (p: LoadProgress) => void,
  ): Promise<QwenVLEngine> {
    const text = await loadTextAssets(files);
    const imageOptions = await imageOptionsOf(files);
    const runtime = await QwenVLRuntime.load(ort, files, choice, onProgress);
    return new QwenVLEngine(
      runtime,
      text.tokenizer,
      text.template,
      imageOptions,
      `${choice.target}/${choice.variant}`,
    );
  }

  get modelId(): string {
    return this.runtime.modelId;
  }

  get stopIds(): { imEnd: number; toolCallEnd: number } {
    const t = this.runtime.config.tokens;
    return { imEnd: t.imEnd, toolCallEnd: t.toolCallEnd };
  }

  get tokensFed(): number {
    return this.runtime.tokensFed;
  }

  reset(): void {
    this.runtime.reset();
  }

  async prefill(ids: readonly number[], images: readonly PreparedImage[], signal?: AbortSignal) {
    const r = await this.runtime.append(ids, images, { signal });
    return { logits: r.logits, stats: r.stats };
  }

  generate(firstLogits: Float32Array, opts: GenerateOptions): Promise<GenerateResult> {
    return generate(this.runtime, firstLogits, opts);
  }

  dispose(): Promise<void> {
    return this.runtime.dispose();
  }
}
