/**
 * The decoder's KV cache: one key and one value tensor per layer, [1, kv_heads, rows, head_dim].
 *
 * Two ways to hold it, chosen by the graph and the execution target:
 * - 'concat' (the unfused graph, and the fused one on WebGPU): each step's present.* outputs
 *   (past + new rows) become the next past. On WebGPU they stay in GPU buffers; this class owns
 *   them and disposes the ones each step replaces (a leak here grows GPU memory by the whole
 *   cache every token).
 * - 'in-place' (the fused graph on the CPU): one buffer per tensor with a fixed capacity of
 *   rows, fed as past AND bound as the present output, so GroupQueryAttention writes only the
 *   new rows into it; the first `length` rows are valid. When a chunk would overflow, the buffers
 *   grow (capacity doubles, the valid rows are copied once) before the run.
 */
import type { OrtApi, OrtTensor } from './ort-api';

export type KvDtype = 'float32' | 'float16';
export type KvMode = 'concat' | 'in-place';

type KvArray = Float32Array | Uint16Array;

/**
 * The name the fused decoder graph gives the row dim of its present.* outputs (GroupQueryAttention
 * returns max(past rows, total) rows, so a fixed-capacity past comes back at its capacity); the
 * runtime reads it to choose in-place mode.
 */
export const PRESENT_ROWS_FUSED = 'present_sequence_length';

/** The first rows of capacity in in-place mode: enough for a prompt with a small image. */
export const INITIAL_CAPACITY = 1024;

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
  /** Rows each in-place buffer holds (0 until the first run). */
  private capacity = 0;
  length = 0;

  constructor(
    private readonly ort: OrtApi,
    readonly numLayers: number,
    readonly kvHeads: number,
    readonly headDim: number,
    readonly dtype: KvDtype,
    readonly mode: KvMode = 'concat',
  ) {
    this.emptyPast = this.make(0);
    this.tensors = this.emptyPast;
  }

  private array(n: number): KvArray {
    return this.dtype === 'float32' ? new Float32Array(n) : new Uint16Array(n);
  }

  private make(rows: number, fill?: (i: number) => KvArray): OrtTensor[] {
    const dims = [1, this.kvHeads, rows, this.headDim];
    return Array.from({ length: 2 * this.numLayers }, (_, i) => {
      const data = fill ? fill(i) : this.array(this.kvHeads * rows * this.headDim);
      return this.dtype === 'float32'
        ? new this.ort.Tensor('float32', data as Float32Array, dims)
        : new this.ort.Tensor('float16', data as Uint16Array, dims);
    });
  }

  /** The rows buffers can hold (in-place mode); the current length in concat mode. */
  get rows(): number {
    return this.mode === 'in-place' ? this.capacity : this.length;
  }

  /**
   * Makes room for `n` more rows before a run (in-place mode): allocates the buffers on first
   * use and grows them, copying the valid rows of every head, when `length + n` would not fit.
   */
  reserve(n: number): void {
    if (this.mode !== 'in-place') return;
    const need = this.length + n;
    if (need <= this.capacity) return;
    let cap = Math.max(this.capacity, INITIAL_CAPACITY);
    while (cap < need) cap *= 2;
    const hd = this.headDim;
    const old = this.owned ? this.tensors : undefined;
    const oldCap = this.capacity;
    const next = this.make(cap, (i) => {
      const data = this.array(this.kvHeads * cap * hd);
      if (old) {
        const src = old[i].data as KvArray;
        for (let h = 0; h < this.kvHeads; h++) {
          data.set(src.subarray(h * oldCap * hd, (h * oldCap + this.length) * hd), h * cap * hd);
        }
      }
      return data;
    });
    this.disposeTensors();
    this.tensors = next;
    this.owned = true;
    this.capacity = cap;
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

  /**
   * Output bindings for a run: in-place mode binds present.{i}.* to the past buffers themselves
   * (onnxruntime then sees one buffer and appends the new rows only); concat mode lets
   * onnxruntime allocate them.
   */
  fetches(): Record<string, OrtTensor | null> {
    const f: Record<string, OrtTensor | null> = {};
    for (let i = 0; i < this.numLayers; i++) {
      const inPlace = this.mode === 'in-place';
      f[`present.${i}.key`] = inPlace ? this.tensors[2 * i] : null;
      f[`present.${i}.value`] = inPlace ? this.tensors[2 * i + 1] : null;
    }
    return f;
  }

  /**
   * After a run: concat mode takes the present.{i}.* outputs as the new cache and frees the old
   * one; in-place mode only advances the length (the rows are already in its buffers) and frees
   * the output wrappers onnxruntime returned.
   */
  update(outputs: Record<string, OrtTensor>, newLength: number): void {
    const next: OrtTensor[] = [];
    for (let i = 0; i < this.numLayers; i++) {
      const k = outputs[`present.${i}.key`];
      const v = outputs[`present.${i}.value`];
      if (!k || !v) throw new Error(`decoder output present.${i}.key/value is missing`);
      next.push(k, v);
    }
    if (this.mode === 'in-place') {
      for (const t of next) if (!this.tensors.includes(t)) t.dispose();
    } else {
      this.disposeTensors();
      this.tensors = next;
      this.owned = true;
    }
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
    this.length = 0;
    // In-place buffers are kept for the next conversation: rows past `length` are never read.
    if (this.mode === 'in-place') return;
    this.disposeTensors();
    this.tensors = this.emptyPast;
    this.owned = false;
  }

  private disposeTensors(): void {
    if (this.owned) for (const t of this.tensors) t.dispose();
  }

  dispose(): void {
    this.disposeTensors();
    for (const t of this.emptyPast) t.dispose();
    this.tensors = [];
    this.owned = false;
    this.capacity = 0;
    this.length = 0;
  }
}
