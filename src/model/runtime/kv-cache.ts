/**
 * The decoder's KV cache: one key and one value tensor per layer, [1, kv_heads, rows, head_dim].
 *
 * Three ways to hold it, chosen by the graph and the execution target:
 * - 'concat' (WebGPU and WASM): each step's present.* outputs (past + new rows, concatenated by
 *   the graph) become the next past. On WebGPU they stay in GPU buffers; this class owns them and
 *   disposes the ones each step replaces (a leak here grows GPU memory by the whole cache every
 *   token).
 * - 'swap' (a graph that concatenates, on the CPU): the same graph, but present.* are bound to
 *   views of a second set of buffers, and the two sets swap roles after each run, so onnxruntime
 *   writes the concatenation into memory made once instead of allocating the whole cache again
 *   every token. Each set holds `capacity` rows; a set's first `length` x kv_heads x head_dim
 *   values are the valid [1, kv_heads, length, head_dim] tensor (its layout changes with the
 *   length, which is why the graph's Concat rewrites it whole).
 * - 'in-place' (the GroupQueryAttention graph on the CPU): one buffer per tensor with a fixed
 *   capacity of rows, fed as past AND bound as the present output, so GroupQueryAttention writes
 *   only the new rows into it; the first `length` rows of each head are valid.
 * When a chunk would overflow the capacity, the buffers grow (capacity doubles, the valid rows are
 * copied once) before the run.
 */
import type { OrtApi, OrtTensor } from './ort-api';

export type KvDtype = 'float32' | 'float16';
export type KvMode = 'concat' | 'swap' | 'in-place';

type KvArray = Float32Array | Uint16Array;

/**
 * The name the fused decoder graph gives the row dim of its present.* outputs (GroupQueryAttention
 * returns max(past rows, total) rows, so a fixed-capacity past comes back at its capacity); the
 * runtime reads it to choose in-place mode.
 */
export const PRESENT_ROWS_FUSED = 'present_sequence_length';

/** The first rows of capacity in 'swap' and 'in-place' modes: a prompt with a small image. */
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
  /** Rows each buffer holds in 'swap' and 'in-place' modes (0 until the first run). */
  private capacity = 0;
  /** 'swap' mode: the set `tensors` view, the set the next run writes into, and its views. */
  private current: KvArray[] = [];
  private spare: KvArray[] = [];
  private bound: OrtTensor[] = [];
  /** Rows after the run that reserve() prepared for (0: none prepared). */
  private pendingRows = 0;
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
    return Array.from({ length: 2 * this.numLayers }, (_, i) =>
      this.tensor(rows, fill ? fill(i) : this.array(this.kvHeads * rows * this.headDim)),
    );
  }

  /** A [1, kv_heads, rows, head_dim] tensor over the first values of `data`. */
  private tensor(rows: number, data: KvArray): OrtTensor {
    const dims = [1, this.kvHeads, rows, this.headDim];
    const view = data.subarray(0, this.kvHeads * rows * this.headDim);
    return this.dtype === 'float32'
      ? new this.ort.Tensor('float32', view as Float32Array, dims)
      : new this.ort.Tensor('float16', view as Uint16Array, dims);
  }

  /** The rows buffers can hold (in-place mode); the current length in concat mode. */
  get rows(): number {
    return this.mode === 'in-place' ? this.capacity : this.length;
  }

  /**
   * Makes room for `n` more rows before a run ('swap' and 'in-place' modes): allocates the
   * buffers on first use and grows them, copying the valid rows, when `length + n` would not fit.
   */
  reserve(n: number): void {
    if (this.mode === 'concat') return;
    const need = this.length + n;
    this.pendingRows = need;
    if (need <= this.capacity) return;
    let cap = Math.max(this.capacity, INITIAL_CAPACITY);
    while (cap < need) cap *= 2;
    const size = this.kvHeads * cap * this.headDim;
    if (this.mode === 'swap') {
      // The valid tensor is contiguous whatever buffer holds it (a set, or an attached state).
      this.current = this.tensors.map((t) => {
        const data = this.array(size);
        data.set(t.data as KvArray);
        return data;
      });
      this.spare = this.tensors.map(() => this.array(size));
      this.disposeTensors();
      this.owned = this.length > 0;
      this.tensors = this.owned ? this.current.map((a) => this.tensor(this.length, a)) : this.emptyPast;
      this.capacity = cap;
      return;
    }
    const hd = this.headDim;
    const old = this.owned ? this.tensors : undefined;
    const oldCap = this.capacity;
    const next = this.make(cap, (i) => {
      const data = this.array(size);
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

  /** The decoder inputs past_key_values.{i}.key/value, written into `into` (a decode step reuses one record). */
  feeds<R extends Record<string, OrtTensor>>(into: R = {} as R): R {
    const f = into as Record<string, OrtTensor>;
    for (let i = 0; i < this.numLayers; i++) {
      f[`past_key_values.${i}.key`] = this.tensors[2 * i];
      f[`past_key_values.${i}.value`] = this.tensors[2 * i + 1];
    }
    return into;
  }

  /**
   * Output bindings for a run, written into `into`: 'in-place' binds present.{i}.* to the past
   * buffers themselves (onnxruntime then sees one buffer and appends the new rows only); 'swap'
   * to views of the spare set with the rows reserve() prepared; 'concat' lets onnxruntime
   * allocate them.
   */
  fetches<R extends Record<string, OrtTensor | null>>(into: R = {} as R): R {
    const f = into as Record<string, OrtTensor | null>;
    let bind: readonly OrtTensor[] | undefined;
    if (this.mode === 'in-place') bind = this.tensors;
    else if (this.mode === 'swap') {
      if (this.pendingRows === 0) throw new Error('KvCache: reserve(n) must come before each run');
      this.bound = this.spare.map((a) => this.tensor(this.pendingRows, a));
      bind = this.bound;
    }
    for (let i = 0; i < this.numLayers; i++) {
      f[`present.${i}.key`] = bind ? bind[2 * i] : null;
      f[`present.${i}.value`] = bind ? bind[2 * i + 1] : null;
    }
    return into;
  }

  /**
   * After a run: 'concat' takes the present.{i}.* outputs as the new cache and frees the old one;
   * 'swap' takes the views it bound (the sets trade roles); 'in-place' only advances the length
   * (the rows are already in its buffers). Output wrappers onnxruntime returned for bound
   * tensors are freed, which leaves the buffers alone.
   */
  update(outputs: Record<string, OrtTensor>, newLength: number): void {
    const bound = this.mode === 'concat' ? undefined : this.mode === 'swap' ? this.bound : this.tensors;
    const next: OrtTensor[] = [];
    for (let i = 0; i < this.numLayers; i++) {
      const k = outputs[`present.${i}.key`];
      const v = outputs[`present.${i}.value`];
      if (!k || !v) throw new Error(`decoder output present.${i}.key/value is missing`);
      if (!bound) next.push(k, v);
      else {
        if (k !== bound[2 * i]) k.dispose();
        if (v !== bound[2 * i + 1]) v.dispose();
      }
    }
    this.pendingRows = 0;
    this.length = newLength;
    if (this.mode === 'in-place') return;
    this.disposeTensors();
    this.tensors = bound ?? next;
    this.owned = true;
    if (this.mode === 'swap') [this.current, this.spare] = [this.spare, this.current];
  }

  /**
   * Hands over the cache's tensors (the caller now owns them; dispose with disposeState) and starts
   * empty, without freeing anything: `npm run serve` keeps recent conversations this way. The
   * buffers go with the state, so the next run allocates new ones.
   */
  detach(): KvState {
    const state: KvState = { tensors: this.tensors, owned: this.owned, length: this.length };
    this.tensors = this.emptyPast;
    this.owned = false;
    this.length = 0;
    this.forgetBuffers();
    return state;
  }

  /** Takes back a detached state (this cache's current tensors are freed). */
  attach(state: KvState): void {
    this.disposeTensors();
    this.tensors = state.tensors;
    this.owned = state.owned;
    this.length = state.length;
    this.forgetBuffers();
    // In-place tensors are their buffers ([1, kv_heads, capacity, head_dim]); a swap state is
    // copied into new sets by the next reserve().
    if (this.mode === 'in-place' && state.owned) this.capacity = state.tensors[0].dims[2];
  }

  private forgetBuffers(): void {
    this.capacity = 0;
    this.current = [];
    this.spare = [];
    this.bound = [];
    this.pendingRows = 0;
  }

  /** Frees a detached state that will not be attached again. */
  static disposeState(state: KvState): void {
    if (state.owned) for (const t of state.tensors) t.dispose();
  }

  reset(): void {
    this.length = 0;
    this.pendingRows = 0;
    // In-place buffers are kept for the next conversation: rows past `length` are never read.
    if (this.mode === 'in-place') return;
    // Swap sets are kept too (the next run writes the spare set whole); only the views go.
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
    this.forgetBuffers();
    this.length = 0;
  }
}
