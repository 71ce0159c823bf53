/**
 * ONNX model messages, encoded by protobufjs static code generated from onnx.proto (the subset the
 * graph builder writes; `npm run gen:onnx-proto` regenerates onnx-pb.js / onnx-pb.d.ts). Static
 * code, not a .proto parsed at run time: protobufjs builds run-time encoders with Function(), which
 * the conversion worker's Content-Security-Policy (no 'unsafe-eval') refuses.
 */
import { onnx } from './onnx-pb';

export const ModelProto = onnx.ModelProto;

/** ONNX TensorProto.DataType values. */
export const DataType = {
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  INT32: 6,
  INT64: 7,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
  BFLOAT16: 16,
  UINT4: 21,
  INT4: 22,
} as const;
export type DataTypeId = (typeof DataType)[keyof typeof DataType];

export const AttributeType = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, FLOATS: 6, INTS: 7 } as const;

export function encodeModel(model: Record<string, unknown>): Uint8Array {
  const err = ModelProto.verify(model);
  if (err) throw new Error(`invalid ONNX model message: ${err}`);
  return ModelProto.encode(ModelProto.fromObject(model)).finish();
}

export function decodeModel(bytes: Uint8Array): Record<string, unknown> {
  return ModelProto.toObject(ModelProto.decode(bytes), { longs: Number, bytes: Array });
}
