/**
 * MatMulNBits' accuracy_level, chosen per execution target at load. Level 4 (int8 activations,
 * onnxruntime's CPU kernels with VNNI) is the fastest int4 path on the CPU: measured on the 1B q4
 * decoder +38% decode on a 16-core Xeon and 2-5x on the shared 2-core machine (bench/fused.md),
 * and the golden q4 and q4f16 checks pass with it (logits max abs error 0.34-0.55 against
 * 0.34-0.56 at level 0, every greedy id equal). The converted files keep the level they were
 * written with (the manifest's `matmulnbits_accuracy_level`, 0 by default) because the same file
 * serves onnxruntime-web, where level 4 was never checked; the CPU target raises it in its own
 * copy of the graph (a few hundred KB: the weights stay in the external data, untouched).
 * The graph is patched in its bytes rather than decoded and encoded again with the converter's
 * protobufjs messages: those cover only the fields our converter writes, and a published export
 * loaded here may carry others, which a decode would drop.
 */
import type { ExecutionTarget } from './ort-api';

/** The level each target runs int4 linears at; undefined: as the file says. */
export const ACCURACY_LEVEL: Readonly<Record<ExecutionTarget, 4 | undefined>> = {
  cpu: 4,
  wasm: undefined,
  webgpu: undefined,
};

const enc = new TextEncoder();
const OP_TYPE = enc.encode('MatMulNBits');
const ATTR = enc.encode('accuracy_level');

/** ONNX field numbers on the path ModelProto.graph -> GraphProto.node -> NodeProto.attribute. */
const MODEL_GRAPH = 7;
const GRAPH_NODE = 1;
const NODE_OP_TYPE = 4;
const NODE_ATTRIBUTE = 5;
const ATTR_NAME = 1;
const ATTR_I = 3;

interface Field {
  field: number;
  wire: number;
  /** Where the value starts (after the tag, and after the length for wire type 2). */
  start: number;
  end: number;
}

function varint(b: Uint8Array, at: number): [value: number, next: number] {
  let v = 0;
  let mul = 1;
  for (let i = at; i < b.length; i++) {
    v += (b[i] & 0x7f) * mul;
    mul *= 128;
    if ((b[i] & 0x80) === 0) return [v, i + 1];
  }
  throw new Error('truncated protobuf varint');
}

/** The fields of one protobuf message occupying b[start, end). */
function* fields(b: Uint8Array, start: number, end: number): Generator<Field> {
  let at = start;
  while (at < end) {
    const [tag, p] = varint(b, at);
    const wire = tag & 7;
    let s = p;
    let e: number;
    if (wire === 0) e = varint(b, p)[1];
    else if (wire === 1) e = p + 8;
    else if (wire === 5) e = p + 4;
    else if (wire === 2) {
      const [len, q] = varint(b, p);
      s = q;
      e = q + len;
    } else throw new Error(`unsupported protobuf wire type ${wire}`);
    if (e > end) throw new Error('truncated protobuf field');
    yield { field: Math.floor(tag / 8), wire, start: s, end: e };
    at = e;
  }
}

function equals(b: Uint8Array, f: Field, want: Uint8Array): boolean {
  if (f.end - f.start !== want.length) return false;
  for (let i = 0; i < want.length; i++) if (b[f.start + i] !== want[i]) return false;
  return true;
}

/**
 * Sets accuracy_level to `level` (0-127) on every MatMulNBits node of a serialized ONNX model that
 * carries the attribute, in place; returns how many it set. Both values are one-byte varints, so
 * no length prefix changes. Nodes without the attribute are left as they are (onnxruntime reads
 * them as level 0); nodes inside subgraphs are not visited (the converter writes none).
 */
export function setMatMulNBitsAccuracyLevel(model: Uint8Array, level: number): number {
  if (!(Number.isInteger(level) && level >= 0 && level < 128)) throw new Error(`accuracy_level ${level}`);
  let set = 0;
  for (const g of fields(model, 0, model.length)) {
    if (g.field !== MODEL_GRAPH || g.wire !== 2) continue;
    for (const n of fields(model, g.start, g.end)) {
      if (n.field !== GRAPH_NODE || n.wire !== 2) continue;
      const attrs: Field[] = [];
      let matmul = false;
      for (const f of fields(model, n.start, n.end)) {
        if (f.field === NODE_OP_TYPE && f.wire === 2) matmul = equals(model, f, OP_TYPE);
        else if (f.field === NODE_ATTRIBUTE && f.wire === 2) attrs.push(f);
      }
      if (!matmul) continue;
      for (const a of attrs) {
        const parts = [...fields(model, a.start, a.end)];
        const name = parts.find((f) => f.field === ATTR_NAME && f.wire === 2);
        const i = parts.find((f) => f.field === ATTR_I && f.wire === 0);
        if (!name || !i || !equals(model, name, ATTR)) continue;
        if (i.end - i.start !== 1) throw new Error('accuracy_level is not a one-byte varint');
        model[i.start] = level;
        set++;
      }
    }
  }
  return set;
}
