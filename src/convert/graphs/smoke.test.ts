import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { buildSmokeModel, smokeInput, smokeReference, SMOKE_IN, SMOKE_OUT } from './smoke';
import { decodeModel } from '../onnx/proto';

describe('smoke graph', () => {
  it('encodes hierarchical node names and opsets', () => {
    const m = decodeModel(buildSmokeModel()) as {
      graph: { node: { name: string }[] };
      opset_import: unknown[];
    };
    expect(m.graph.node.map((n) => n.name)).toEqual(['/dense/MatMul', '/dense/Add', '/Softmax']);
    expect(m.opset_import).toEqual([{ domain: '', version: 17 }]);
  });

  it('runs in onnxruntime-node and matches the float64 reference', async () => {
    const session = await ort.InferenceSession.create(buildSmokeModel());
    const x = smokeInput(3);
    const { y } = await session.run({ x: new ort.Tensor('float32', x, [3, SMOKE_IN]) });
    expect(y.dims).toEqual([3, SMOKE_OUT]);
    const ref = smokeReference(x);
    const got = y.data as Float32Array;
    for (let i = 0; i < ref.length; i++) expect(Math.abs(got[i] - ref[i])).toBeLessThan(1e-6);
    await session.release();
  });
});
