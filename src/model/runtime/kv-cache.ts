/**
 * The decoder's KV cache: one key and one value tensor per layer, [1, kv_heads, length, head_dim].
 * On WebGPU the tensors stay in GPU buffers between steps; this class owns them and disposes the
 * ones each step replaces (a leak here grows GPU memory by the whole cache every token).
 */
import type { OrtApi, OrtTensor } from './ort-api';

export type KvDtype = 'float32' | 'float16';

/** A detached cache: its tensors (freed only if `owned`) and the positions they hold. */
export interface KvState {
  readonly tensors: OrtTensor[];
  readonly owned: boolean;
  readonly length: number;
}

export class KvCache {
  private tensors: OrtTensor[] = [];
  /** The zero-length past of a new conversation, made once and reused by every reset. */
  private readonly emptyPast: OrtTensor[];
  private owned = false;
  length = 0;

  constructor(
    private readonly ort: OrtApi,
    readonly numLayers: number,
    readonly kvHeads: number,
    readonly headDim: number,
    readonly dtype: KvDtype,
  ) {
    this.emptyPast = this.empty();
    this.tensors = this.emptyPast;
  }

  private empty(): OrtTensor[] {
    const dims = [1, this.kvHeads, 0, this.headDim];
    return Array.from({ length: 2 * this.numLayers }, () =>
      this.dtype === 'float32'
        ? new this.ort.Tensor('float32', new Float32Array(0), dims)
        : new this.ort.Tensor('float16', new Uint16Array(0), dims),
    );
  }

  /** The decoder inputs past_key_values.{i}.key/value. */
  feeds(): Record<string, OrtTensor> {
    const f: Record<string, OrtTensor> = {};
    for (let i = 0; i < this.numLayers; i++) {
      f[`past_key_values.${i}.key`] = this.tensors[2 * i];
      f[`past_key_values.${i}.value`] = this.tensors[2 * i + 1];
    }
    return f;
  }

  /** Takes the present.{i}.* outputs of a run as the new cache and frees the old one. */
  update(outputs: Record<string, OrtTensor>, newLength: number): void {
    const next: OrtTensor[] = [];
    for (let i = 0; i < this.numLayers; i++) {
      const k = outputs[`present.${i}.key`];
      const v = outputs[`present.${i}.value`];
      if (!k || !v) throw new Error(`decoder output present.${i}.key/value is missing`);
      next.push(k, v);
    }
    this.disposeTensors();
    this.tensors = next;
    this.owned = true;
    this.length = newLength;
  }

  /**
   * Hands over the cache's tensors (the caller now owns them; dispose with disposeState) and starts
   * empty, without freeing anything: `npm run serve` keeps recent conversations this way.
   */
  detach(): KvState {
    const state: KvState = { tensors: this.tensors, owned: this.owned, length: this.length };
    this.tensors = this.emptyPast;
    this.owned = false;
    this.length = 0;
    return state;
  }

  /** Takes back a detached state (this cache's current tensors are freed). */
  attach(state: KvState): void {
    this.disposeTensors();
    this.tensors = state.tensors;
    this.owned = state.owned;
    this.length = state.length;
  }

  /** Frees a detached state that will not be attached again. */
  static disposeState(state: KvState): void {
    if (state.owned) for (const t of state.tensors) t.dispose();
  }

  reset(): void {
    this.disposeTensors();
    this.tensors = this.emptyPast;
    this.owned = false;
    this.length = 0;
  }

  private disposeTensors(): void {
    if (this.owned) for (const t of this.tensors) t.dispose();
  }

  dispose(): void {
    this.disposeTensors();
    for (const t of this.emptyPast) t.dispose();
    this.tensors = [];
    this.owned = false;
  }
}
