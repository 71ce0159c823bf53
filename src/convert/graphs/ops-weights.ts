/**
 * Turns checkpoint tensors into graph initializers, one tensor at a time: read (streamed in row
 * chunks where the source allows) -> convert (transpose / float16 / int4) -> hand to the
 * GraphBuilder, whose WeightSink writes the bytes out -> drop. Graph code asks for a weight in
 * the form it needs (`linear`, `float`, `q4Table`) and never sees the checkpoint format.
 *
 * Resume support: before reading, the `restore` hook may answer that a tensor's pieces are
 * already stored; the store then adds placeholders of the right size (lazily zeroed memory that
 * the sink never reads) instead of reading and quantizing it again.
 */
import { DeepEyesError } from '../../base/errors';
import type { ElemType, GraphBuilder, TypedData } from '../onnx/builder';
import { f32ToF16 } from '../safetensors/dtypes';
import {
  Q4_BLOB,
  QuantErrorMeter,
  allocQ4,
  q4Blocks,
  quantizeRowsInto,
  type QuantError,
  type ScaleType,
} from '../quant/q4';
import type { FloatType, LinearWeights } from './ops';

/** The minimal checkpoint interface the graphs need (SafetensorsReader fits via `readerSource`). */
export interface TensorSource {
  names(): string[];
  shape(name: string): number[];
  readF32(name: string): Promise<Float32Array>;
  /** Row-major pieces of at most maxElements values; the yielded array may be reused. */
  readF32Chunks?(name: string, maxElements: number): AsyncIterable<Float32Array>;
}

/**
 * Storage of a Linear weight: f32/f16 MatMul weights, or int4 MatMulNBits with float32 (q4)
 * or float16 (q4f16) scales. The activation type follows: float16 for f16 and q4f16.
 */
export type WeightFormat = 'f32' | 'f16' | 'q4' | 'q4f16';

export function activationType(format: WeightFormat): FloatType {
  return format === 'f16' || format === 'q4f16' ? 'float16' : 'float32';
}

export interface PieceSpec {
  /** Initializer name. */
  name: string;
  dtype: ElemType;
  dims: number[];
  bytes: number;
}

export interface TensorReport {
  /** Checkpoint tensor name. */
  name: string;
  format: WeightFormat | 'table-q4';
  pieces: PieceSpec[];
  /** Bytes of the float32 source values. */
  sourceBytes: number;
  storedBytes: number;
  /** Quantization error (int4 formats only). */
  error?: QuantError;
  /** True when the pieces came from a previous run (resume). */
  restored: boolean;
}

export interface WeightStoreHooks {
  /** Resume: a record for a tensor whose pieces are all stored already, or undefined to convert it. */
  restore?(name: string, pieces: PieceSpec[]): { error?: QuantError } | undefined;
  onTensor?(report: TensorReport): void;
  /** Checked before each tensor is read. */
  signal?: AbortSignal;
}

export class MissingTensorError extends DeepEyesError {
  constructor(readonly tensor: string) {
    super(
      'missing_tensor',
      `checkpoint tensor ${tensor} is missing. Check that the folder holds a complete Qwen2.5-VL ` +
        `checkpoint (all shards listed in model.safetensors.index.json) that matches its config.json.`,
    );
    this.name = 'MissingTensorError';
  }
}

export class TensorShapeError extends DeepEyesError {
  constructor(tensor: string, got: number[], want: string) {
    super(
      'tensor_shape',
      `checkpoint tensor ${tensor} has shape [${got}] but ${want}. Is config.json the one of this checkpoint?`,
    );
    this.name = 'TensorShapeError';
  }
}

const ELEM_BYTES: Record<ElemType, number> = {
  float32: 4,
  float16: 2,
  int64: 8,
  int32: 4,
  uint8: 1,
  int8: 1,
  bool: 1,
};
/** Streaming granularity for int4 quantization (values per read). */
const CHUNK_ELEMENTS = 1 << 22;

function numel(dims: number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

function piece(name: string, dtype: ElemType, dims: number[]): PieceSpec {
  return { name, dtype, dims, bytes: numel(dims) * ELEM_BYTES[dtype] };
}

function placeholder(p: PieceSpec): TypedData {
  const n = numel(p.dims);
  switch (p.dtype) {
    case 'float32':
      return new Float32Array(n);
    case 'float16':
      return new Uint16Array(n);
    default:
      return new Uint8Array(n);
  }
}

function transpose2d(w: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(w.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = w[r * cols + c];
  return out;
}

export class WeightStore {
  constructor(
    private readonly source: TensorSource,
    private readonly hooks: WeightStoreHooks = {},
  ) {}

  has(name: string): boolean {
    return this.source.names().includes(name);
  }

  shape(name: string): number[] {
    if (!this.has(name)) throw new MissingTensorError(name);
    return this.source.shape(name);
  }

  private shape2d(name: string): [number, number] {
    const s = this.shape(name);
    if (s.length !== 2) throw new TensorShapeError(name, s, 'a 2-D weight was expected');
    return [s[0], s[1]];
  }

  /** Runs `convert` unless the restore hook has the pieces; adds the pieces to `g` either way. */
  private async emit(
    g: GraphBuilder,
    name: string,
    format: TensorReport['format'],
    pieces: PieceSpec[],
    convert: () => Promise<{ data: TypedData[]; error?: QuantError }>,
  ): Promise<void> {
    this.hooks.signal?.throwIfAborted();
    const sourceBytes = numel(this.shape(name)) * 4;
    const restored = this.hooks.restore?.(name, pieces);
    let error = restored?.error;
    if (restored) {
      for (const p of pieces) g.weight(p.name, { dtype: p.dtype, dims: p.dims, data: placeholder(p) });
    } else {
      const out = await convert();
      error = out.error;
      pieces.forEach((p, i) => g.weight(p.name, { dtype: p.dtype, dims: p.dims, data: out.data[i] }));
    }
    const storedBytes = pieces.reduce((s, p) => s + p.bytes, 0);
    this.hooks.onTensor?.({
      name,
      format,
      pieces,
      sourceBytes,
      storedBytes,
      error,
      restored: Boolean(restored),
    });
  }

  /** A float initializer (norm weights, biases, embedding tables), optionally transposed (2-D). */
  async float(
    g: GraphBuilder,
    name: string,
    dtype: FloatType = 'float32',
    opts: { transpose?: boolean } = {},
  ): Promise<string> {
    const s = this.shape(name);
    const dims = opts.transpose ? [s[1], s[0]] : s;
    if (opts.transpose && s.length !== 2) throw new TensorShapeError(name, s, 'a 2-D weight was expected');
    const initName = opts.transpose ? `${name}.T` : name;
    const p = piece(initName, dtype, dims);
    await this.emit(g, name, dtype === 'float16' ? 'f16' : 'f32', [p], async () => {
      let w = await this.source.readF32(name);
      if (opts.transpose) w = transpose2d(w, s[0], s[1]);
      return { data: [dtype === 'float16' ? f32ToF16(w) : w] };
    });
    return initName;
  }

  /** Quantizes a [rows, k] tensor row block by row block (never holding it whole as float32). */
  private async quantize(name: string, rows: number, k: number, scaleType: ScaleType) {
    const t = allocQ4(rows, k, scaleType);
    const meter = new QuantErrorMeter();
    if (this.source.readF32Chunks) {
      const per = Math.max(1, Math.floor(CHUNK_ELEMENTS / k)) * k;
      let row = 0;
      for await (const chunk of this.source.readF32Chunks(name, per)) {
        quantizeRowsInto(t, row, chunk, meter);
        row += chunk.length / k;
      }
    } else {
      quantizeRowsInto(t, 0, await this.source.readF32(name), meter);
    }
    return { t, error: meter.result() };
  }

  /** MatMulNBits inputs for a torch Linear weight [N, K]. */
  async q4(
    g: GraphBuilder,
    name: string,
    scaleType: ScaleType,
  ): Promise<{ packed: string; scales: string; n: number; k: number }> {
    const [n, k] = this.shape2d(name);
    const kb = q4Blocks(k);
    const packed = piece(`${name}.q4`, 'uint8', [n, kb, Q4_BLOB]);
    const scales = piece(`${name}.scales`, scaleType, [n * kb]);
    await this.emit(g, name, scaleType === 'float16' ? 'q4f16' : 'q4', [packed, scales], async () => {
      const { t, error } = await this.quantize(name, n, k, scaleType);
      return { data: [t.data, t.scales], error };
    });
    return { packed: packed.name, scales: scales.name, n, k };
  }

  /** GatherBlockQuantized inputs for an embedding table [V, H]: data [V, ceil(H/32)*16], scales [V, ceil(H/32)]. */
  async q4Table(
    g: GraphBuilder,
    name: string,
  ): Promise<{ data: string; scales: string; rows: number; cols: number }> {
    const [rows, cols] = this.shape2d(name);
    const kb = q4Blocks(cols);
    const data = piece(`${name}.q4`, 'uint8', [rows, kb * Q4_BLOB]);
    const scales = piece(`${name}.scales`, 'float32', [rows, kb]);
    await this.emit(g, name, 'table-q4', [data, scales], async () => {
      const { t, error } = await this.quantize(name, rows, cols, 'float32');
      return { data: [t.data, t.scales], error };
    });
    return { data: data.name, scales: scales.name, rows, cols };
  }

  /** The weights of `prefix`.weight (+ `prefix`.bias when `bias`) in the given format. */
  async linear(g: GraphBuilder, prefix: string, format: WeightFormat, bias: boolean): Promise<LinearWeights> {
    const weightName = `${prefix}.weight`;
    const act = activationType(format);
    let w: LinearWeights;
    if (format === 'q4' || format === 'q4f16') {
      const q = await this.q4(g, weightName, format === 'q4f16' ? 'float16' : 'float32');
      w = { kind: 'q4', packed: q.packed, scales: q.scales, k: q.k, n: q.n };
    } else {
      w = { kind: 'float', weight: await this.float(g, weightName, act, { transpose: true }) };
    }
    if (bias) w.bias = await this.float(g, `${prefix}.bias`, act);
    return w;
  }
}

/** In-memory source over named float32 arrays (tests, small tools). */
export function memorySource(tensors: Map<string, { shape: number[]; data: Float32Array }>): TensorSource {
  return {
    names: () => [...tensors.keys()],
    shape: (n) => {
      const t = tensors.get(n);
      if (!t) throw new MissingTensorError(n);
      return t.shape;
    },
    readF32: async (n) => {
      const t = tensors.get(n);
      if (!t) throw new MissingTensorError(n);
      return t.data;
    },
  };
}
