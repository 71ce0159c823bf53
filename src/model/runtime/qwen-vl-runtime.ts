/**
 * Qwen2.5-VL inference over three ONNX sessions, one code path for Node and the browser.
 *
 *   ids + images ─► embed_tokens ─► inputs_embeds ─┐
 *   images ─► vision_encoder ─► image_features ────┴► scatter into <|image_pad|> rows
 *        ─► decoder_model_merged (+ KV cache, mRoPE positions) ─► logits of the last position
 *
 * A conversation only grows: each call to `append` prefills its chunk on top of the cache (a new
 * crop never re-prefills what came before); `step` feeds one generated token through tensors made
 * once (decode-step.ts).
 */
import { DeepEyesError } from '../../base/errors';
import type { OrtApi, OrtTensor } from './ort-api';
import { KvCache, PRESENT_ROWS_FUSED, type KvDtype, type KvMode, type KvState } from './kv-cache';
import type { ModelFiles } from './model-files';
import { loadSessions, type LoadProgress, type ModelSessions, type SessionChoice } from './sessions';
import { parseQwenVLConfig, type QwenVLConfig } from '../config';
import type { PreparedImage } from '../image/prepare-image';
import { visionPlan } from '../vision/plan';
import {
  advanceRopeState,
  appendRopeIndex,
  EMPTY_ROPE_STATE,
  positionsToInt64,
  type RopeState,
} from '../rope/rope-index';
import { checkLogits } from './sampling';
import { DecodeStep } from './decode-step';
import { visionFeeds } from './vision-feeds';

export interface AppendStats {
  tokens: number;
  visionMs: number;
  prefillMs: number;
}

export interface AppendResult {
  /** Logits of the chunk's last position (length = vocab). */
  logits: Float32Array;
  stats: AppendStats;
}

/** A conversation set aside by saveConversation: its cache, positions and ids. */
export interface SavedConversation {
  readonly kv: KvState;
  readonly rope: RopeState;
  readonly history: readonly number[];
}

export class RunCancelledError extends DeepEyesError {
  constructor() {
    super('cancelled', 'the run was stopped', { retryable: true });
    this.name = 'RunCancelledError';
  }
}

export class ChunkMismatchError extends DeepEyesError {
  constructor(message: string) {
    super(
      'chunk_mismatch',
      `${message}; expand every <|image_pad|> to the image's token count before prefilling`,
    );
    this.name = 'ChunkMismatchError';
  }
}

function now(): number {
  return globalThis.performance?.now() ?? Date.now();
}

export class QwenVLRuntime {
  readonly cache: KvCache;
  private readonly decodeStep: DecodeStep;
  private rope: RopeState = EMPTY_ROPE_STATE;
  private maskOnes = new BigInt64Array(0);
  /** Every id fed to the decoder so far (the conversation as the cache holds it). */
  readonly history: number[] = [];
  /** Tokens fed to the decoder in total since load: tests use it to prove chunks are incremental. */
  tokensFed = 0;

  private constructor(
    private readonly ort: OrtApi,
    readonly config: QwenVLConfig,
    readonly sessions: ModelSessions,
    readonly modelId: string,
  ) {
    const t = config.text;
    const kvType = this.decoderInputType('past_key_values.0.key') ?? 'float32';
    this.cache = new KvCache(ort, t.numLayers, t.numKvHeads, t.headDim, kvType as KvDtype, this.kvMode());
    this.decodeStep = new DecodeStep(ort, sessions, this.cache, t.hiddenSize, t.vocabSize);
  }

  /**
   * How the KV cache is held (kv-cache.ts). On the CPU (onnxruntime-node, which writes into bound
   * outputs): in place where the decoder is the GroupQueryAttention graph (its present rows are
   * named PRESENT_ROWS_FUSED), else two swapped sets of buffers. onnxruntime-web's WebGPU kernel
   * does not share past and present and its CPU binding does not write back, so in the browser the
   * presents are taken as the graph returns them.
   */
  private kvMode(): KvMode {
    if (this.sessions.choice.target !== 'cpu') return 'concat';
    const meta = (
      this.sessions.decoder as { outputMetadata?: readonly { name: string; shape?: readonly unknown[] }[] }
    ).outputMetadata;
    const rows = meta?.find((m) => m.name === 'present.0.key')?.shape?.[2];
    return rows === PRESENT_ROWS_FUSED ? 'in-place' : 'swap';
  }

  static async load(
    ort: OrtApi,
    files: ModelFiles,
    choice: SessionChoice,
    onProgress?: (p: LoadProgress) => void,
  ): Promise<QwenVLRuntime> {
    const config = parseQwenVLConfig(await files.readText('config.json'));
    const sessions = await loadSessions(ort, files, choice, onProgress);
    return new QwenVLRuntime(ort, config, sessions, files.id);
  }

  private decoderInputType(name: string): string | undefined {
    const meta = (
      this.sessions.decoder as {
        inputMetadata?: readonly { name: string; isTensor: boolean; type?: string }[];
      }
    ).inputMetadata;
    return meta?.find((m) => m.name === name)?.type;
  }

  get length(): number {
    return this.cache.length;
  }

  get ropeState(): RopeState {
    return this.rope;
  }

  /** Runs the vision encoder on one prepared image: [merged tokens * out_hidden] features. */
  async encodeImage(image: PreparedImage): Promise<Float32Array> {
    const v = this.config.vision;
    const plan = visionPlan(image.gridThw, v);
    const feeds = visionFeeds(
      this.ort.Tensor,
      plan,
      image.pixelValues,
      image.gridThw,
      this.sessions.vision.inputNames,
    );
    const out = await this.sessions.vision.run(feeds);
    const features = out[this.sessions.vision.outputNames[0]];
    const data = (await features.getData(true)) as Float32Array;
    if (data.length !== plan.M * v.outHiddenSize) {
      throw new Error(
        `vision_encoder returned ${data.length} values, expected ${plan.M} x ${v.outHiddenSize}`,
      );
    }
    return data;
  }

  private async embed(ids: readonly number[]): Promise<Float32Array> {
    const T = this.ort.Tensor;
    const input = new T(
      'int64',
      BigInt64Array.from(ids, (i) => BigInt(i)),
      [1, ids.length],
    );
    const out = await this.sessions.embed.run({ input_ids: input });
    const t = out[this.sessions.embed.outputNames[0]];
    const data = (await t.getData(true)) as Float32Array;
    // getData may hand back a view into a buffer ORT reuses: copy before writing image rows into it.
    return data instanceof Float32Array
      ? new Float32Array(data)
      : Float32Array.from(data as ArrayLike<number>);
  }

  /** [1, total] ones: a view of one buffer that grows by doubling (only the wrapper is new). */
  private attentionMask(total: number): OrtTensor {
    if (this.maskOnes.length < total)
      this.maskOnes = new BigInt64Array(Math.max(total, 2 * this.maskOnes.length, 1024)).fill(1n);
    return new this.ort.Tensor('int64', this.maskOnes.subarray(0, total), [1, total]);
  }

  /**
   * Prefills `ids` (pads already expanded) with `images` (one per pad run, in order) on top of the
   * cache. `imageFeatures` may be given instead of images (tests feed reference features).
   */
  async append(
    ids: readonly number[],
    images: readonly PreparedImage[] = [],
    opts: {
      signal?: AbortSignal;
      imageFeatures?: Float32Array[];
      /** Sees every decoder output (debug hidden states, say) before the non-cache ones are freed. */
      inspect?: (outputs: Record<string, OrtTensor>) => Promise<void>;
    } = {},
  ): Promise<AppendResult> {
    if (ids.length === 0) throw new ChunkMismatchError('empty chunk');
    const pad = this.config.tokens.imagePad;
    const grids = images.map((im) => im.gridThw);
    const t0 = now();
    const features = opts.imageFeatures ?? [];
    if (!opts.imageFeatures) {
      for (const im of images) {
        if (opts.signal?.aborted) throw new RunCancelledError();
        features.push(await this.encodeImage(im));
      }
    }
    const t1 = now();
    if (opts.signal?.aborted) throw new RunCancelledError();

    const { positions, state } = appendRopeIndex(this.rope, ids, grids, {
      imageTokenId: pad,
      spatialMergeSize: this.config.vision.spatialMergeSize,
    });
    const H = this.config.text.hiddenSize;
    const embeds = await this.embed(ids);
    let img = 0;
    let row = 0;
    for (let i = 0; i < ids.length; i++) {
      if (ids[i] !== pad) continue;
      const f = features[img];
      if (!f) throw new ChunkMismatchError(`more <|image_pad|> tokens than image features`);
      embeds.set(f.subarray(row * H, (row + 1) * H), i * H);
      row++;
      if (row * H === f.length) {
        img++;
        row = 0;
      }
    }
    if (img !== features.length || row !== 0)
      throw new ChunkMismatchError('image features and pads do not line up');

    const T = this.ort.Tensor;
    this.cache.reserve(ids.length);
    const total = this.cache.length + ids.length;
    const feeds: Record<string, OrtTensor> = {
      inputs_embeds: new T('float32', embeds, [1, ids.length, H]),
      attention_mask: this.attentionMask(total),
      position_ids: new T('int64', positionsToInt64(positions), [3, 1, ids.length]),
      ...this.cache.feeds(),
    };
    const out = await this.runDecoder(feeds);
    if (opts.inspect) await opts.inspect(out);
    this.cache.update(out, total);
    this.rope = state;
    for (const id of ids) this.history.push(id);
    this.tokensFed += ids.length;

    const logitsT = out.logits;
    const all = (await logitsT.getData(true)) as Float32Array;
    const V = logitsT.dims[logitsT.dims.length - 1];
    const logits = all.slice(all.length - V);
    for (const [name, t] of Object.entries(out)) {
      if (name !== 'logits' && !name.startsWith('present.')) t.dispose();
    }
    checkLogits(logits);
    return { logits, stats: { tokens: ids.length, visionMs: t1 - t0, prefillMs: now() - t1 } };
  }

  /**
   * Feeds one generated text token (a decode step) and returns its logits. The array may be the
   * step's own buffer (cpu target), overwritten by the next step: read it before calling again.
   */
  async step(id: number, opts: { signal?: AbortSignal } = {}): Promise<Float32Array> {
    if (opts.signal?.aborted) throw new RunCancelledError();
    if (id === this.config.tokens.imagePad)
      throw new ChunkMismatchError('a decode step cannot feed <|image_pad|>');
    const state = this.rope;
    const logits = await this.decodeStep.run(id, state.nextPosition, this.attentionMask(state.length + 1));
    this.rope = advanceRopeState(state, 1);
    this.history.push(id);
    this.tokensFed++;
    return logits;
  }

  /**
   * Sets the current conversation aside (cache, positions, ids) and starts empty; resume it with
   * restoreConversation, or free it with disposeConversation. For servers that keep several.
   */
  saveConversation(): SavedConversation {
    const saved: SavedConversation = { kv: this.cache.detach(), rope: this.rope, history: [...this.history] };
    this.rope = EMPTY_ROPE_STATE;
    this.history.length = 0;
    return saved;
  }

  /** Continues a saved conversation (the current one is dropped). */
  restoreConversation(saved: SavedConversation): void {
    this.cache.attach(saved.kv);
    this.rope = saved.rope;
    this.history.length = 0;
    for (const id of saved.history) this.history.push(id);
  }

  static disposeConversation(saved: SavedConversation): void {
    KvCache.disposeState(saved.kv);
  }

  /** One decoder run, its present.* bound as the cache says. */
  private runDecoder(feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>> {
    const decoder = this.sessions.decoder;
    const fetches: Record<string, OrtTensor | null> = {};
    for (const name of decoder.outputNames) fetches[name] = null;
    return decoder.run(feeds, this.cache.fetches(fetches));
  }

  /** Starts a new conversation: drops the cache and the position state. */
  reset(): void {
    this.cache.reset();
    this.rope = EMPTY_ROPE_STATE;
    this.history.length = 0;
  }

  async dispose(): Promise<void> {
    this.cache.dispose();
    await this.sessions.release();
  }
}
