/**
 * A small ONNX graph builder. Nodes get deterministic hierarchical names from a scope stack
 * (`/model/layers.3/attn/q_proj/MatMulNBits`); each node's outputs are named after the node.
 * Weights go through a WeightSink as soon as they are added, so a converter can stream a
 * multi-gigabyte checkpoint into external-data files without holding it in memory.
 */
import { AttributeType, DataType, encodeModel, type DataTypeId } from './proto';

export type ElemType = 'float32' | 'float16' | 'int64' | 'int32' | 'uint8' | 'int8' | 'bool';
export type Dim = number | string;

export type TypedData = Float32Array | Uint16Array | BigInt64Array | Int32Array | Uint8Array | Int8Array;

export interface TensorData {
  dtype: ElemType;
  dims: number[];
  data: TypedData;
}

export interface ExternalLocation {
  location: string;
  offset: number;
  length: number;
}

/** Decides where an initializer's bytes live. Returning undefined keeps them inside the .onnx file. */
export interface WeightSink {
  place(name: string, bytes: Uint8Array): ExternalLocation | undefined;
}

export const INLINE_SINK: WeightSink = { place: () => undefined };

/** Attribute values: integers become INT, `{ f }` FLOAT, arrays INTS / `{ floats }` FLOATS, strings STRING. */
export type AttrValue = number | number[] | string | { f: number } | { floats: number[] } | TensorData;

export interface OpOptions {
  attrs?: Record<string, AttrValue>;
  domain?: string;
  /** Number of outputs (default 1) or explicit output names (graph outputs, for instance). */
  outputs?: number | string[];
  /** Overrides the op type as the last path segment of the node name. */
  name?: string;
}

export const ELEM_TYPE_ID: Record<ElemType, DataTypeId> = {
  float32: DataType.FLOAT,
  float16: DataType.FLOAT16,
  int64: DataType.INT64,
  int32: DataType.INT32,
  uint8: DataType.UINT8,
  int8: DataType.INT8,
  bool: DataType.BOOL,
};

interface ValueInfo {
  name: string;
  type: {
    tensor_type: { elem_type: number; shape: { dim: ({ dim_value: number } | { dim_param: string })[] } };
  };
}

function valueInfo(name: string, dtype: ElemType, dims: Dim[]): ValueInfo {
  return {
    name,
    type: {
      tensor_type: {
        elem_type: ELEM_TYPE_ID[dtype],
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d })) },
      },
    },
  };
}

function bytesOf(data: TypedData): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

function tensorProto(name: string, t: TensorData, sink: WeightSink): Record<string, unknown> {
  const count = t.dims.reduce((a, b) => a * b, 1);
  if (count !== t.data.length && !(t.dtype === 'bool' && count === t.data.length)) {
    throw new Error(`tensor ${name}: dims ${t.dims} hold ${count} values but data has ${t.data.length}`);
  }
  const bytes = bytesOf(t.data);
  const proto: Record<string, unknown> = { name, dims: t.dims, data_type: ELEM_TYPE_ID[t.dtype] };
  const ext = sink.place(name, bytes);
  if (ext) {
    proto.data_location = 1;
    proto.external_data = [
      { key: 'location', value: ext.location },
      { key: 'offset', value: String(ext.offset) },
      { key: 'length', value: String(ext.length) },
    ];
  } else {
    proto.raw_data = bytes;
  }
  return proto;
}

function attribute(name: string, v: AttrValue): Record<string, unknown> {
  if (typeof v === 'number') {
    if (!Number.isInteger(v))
      throw new Error(`attribute ${name}=${v}: use { f: ${v} } for a float attribute`);
    return { name, type: AttributeType.INT, i: v };
  }
  if (typeof v === 'string') return { name, type: AttributeType.STRING, s: new TextEncoder().encode(v) };
  if (Array.isArray(v)) return { name, type: AttributeType.INTS, ints: v };
  if ('f' in v) return { name, type: AttributeType.FLOAT, f: v.f };
  if ('floats' in v) return { name, type: AttributeType.FLOATS, floats: v.floats };
  return { name, type: AttributeType.TENSOR, t: tensorProto(`${name}_value`, v, INLINE_SINK) };
}

export interface ModelMeta {
  producer?: string;
  doc?: string;
  metadata?: Record<string, string>;
  /** Default-domain opset (17 unless an op needs newer). */
  opset?: number;
}

export class GraphBuilder {
  private readonly nodes: Record<string, unknown>[] = [];
  private readonly initializers: Record<string, unknown>[] = [];
  private readonly inputs: ValueInfo[] = [];
  private readonly outputs: ValueInfo[] = [];
  private readonly scopeStack: string[] = [];
  private readonly usedNames = new Map<string, number>();
  private readonly domains = new Set<string>();
  private constCount = 0;

  constructor(
    readonly name: string,
    private readonly sink: WeightSink = INLINE_SINK,
  ) {}

  /** Runs `fn` with `part` appended to the node-name path. */
  scope<T>(part: string, fn: () => T): T {
    this.scopeStack.push(part);
    try {
      return fn();
    } finally {
      this.scopeStack.pop();
    }
  }

  get path(): string {
    return '/' + this.scopeStack.join('/');
  }

  input(name: string, dtype: ElemType, dims: Dim[]): string {
    this.inputs.push(valueInfo(name, dtype, dims));
    return name;
  }

  /** Declares `name` (a value some node produced under that name) as a graph output. */
  output(name: string, dtype: ElemType, dims: Dim[]): void {
    this.outputs.push(valueInfo(name, dtype, dims));
  }

  /** A named weight (checkpoint-style name), written through the sink right away. */
  weight(name: string, t: TensorData): string {
    this.initializers.push(tensorProto(name, t, this.sink));
    return name;
  }

  /** An unnamed small constant (shapes, axes, scalars), named after the current scope. */
  constant(t: TensorData, hint = 'const'): string {
    const name = `${this.path === '/' ? '' : this.path}/${hint}_${this.constCount++}`;
    this.initializers.push(tensorProto(name, t, INLINE_SINK));
    return name;
  }

  ints(values: number[], hint = 'ints'): string {
    return this.constant(
      { dtype: 'int64', dims: [values.length], data: BigInt64Array.from(values.map(BigInt)) },
      hint,
    );
  }

  scalar(value: number, dtype: 'float32' | 'int64' = 'float32', hint = 'scalar'): string {
    const data = dtype === 'float32' ? Float32Array.of(value) : BigInt64Array.of(BigInt(value));
    return this.constant({ dtype, dims: [], data }, hint);
  }

  private uniqueNodeName(base: string): string {
    const n = this.usedNames.get(base) ?? 0;
    this.usedNames.set(base, n + 1);
    return n === 0 ? base : `${base}_${n}`;
  }

  /** Adds a node; returns its output names. Empty-string inputs mean "optional input omitted". */
  op(opType: string, inputs: string[], opts: OpOptions = {}): string[] {
    const prefix = this.scopeStack.length ? this.path : '';
    const nodeName = this.uniqueNodeName(`${prefix}/${opts.name ?? opType}`);
    const outs =
      typeof opts.outputs === 'object'
        ? opts.outputs
        : Array.from({ length: opts.outputs ?? 1 }, (_, i) => `${nodeName}/output_${i}`);
    const domain = opts.domain ?? '';
    if (domain) this.domains.add(domain);
    this.nodes.push({
      name: nodeName,
      op_type: opType,
      domain,
      input: inputs,
      output: outs,
      attribute: Object.entries(opts.attrs ?? {}).map(([k, v]) => attribute(k, v)),
    });
    return outs;
  }

  /** Single-output form of op(). */
  op1(opType: string, inputs: string[], opts: OpOptions = {}): string {
    return this.op(opType, inputs, opts)[0];
  }

  get nodeCount(): number {
    return this.nodes.length;
  }

  toBytes(meta: ModelMeta = {}): Uint8Array {
    const opsets = [{ domain: '', version: meta.opset ?? 17 }];
    for (const d of this.domains) opsets.push({ domain: d, version: 1 });
    return encodeModel({
      ir_version: 8,
      producer_name: meta.producer ?? 'deepeyes-web',
      producer_version: '0.1.0',
      doc_string: meta.doc ?? '',
      opset_import: opsets,
      metadata_props: Object.entries(meta.metadata ?? {}).map(([key, value]) => ({ key, value })),
      graph: {
        name: this.name,
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs,
        output: this.outputs,
      },
    });
  }
}
