import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { buildEmbedGraph, EMBED_TABLE } from './embed';
import { WeightStore, memorySource } from './ops-weights';
import { dequantizeQ4, quantizeQ4 } from '../quant/q4';
import type { TextConfig } from '../../model/config';

function table(rows: number, cols: number): Float32Array {
  return Float32Array.from({ length: rows * cols }, (_, i) =>
    Math.fround(Math.sin(i * 0.37) * (1 + (i % 7))),
  );
}

async function runEmbed(cols: number, dtype: 'fp32' | 'q4', ids: number[]) {
  const rows = 50;
  const w = table(rows, cols);
  const store = new WeightStore(memorySource(new Map([[EMBED_TABLE, { shape: [rows, cols], data: w }]])));
  const bytes = await buildEmbedGraph({ hiddenSize: cols } as TextConfig, store, { dtype });
  const s = await ort.InferenceSession.create(bytes);
  const out = await s.run({
    input_ids: new ort.Tensor('int64', BigInt64Array.from(ids.map(BigInt)), [1, ids.length]),
  });
  await s.release();
  return { w, rows, out: out.inputs_embeds };
}

describe('embed_tokens graph', () => {
  it('fp32 returns the table rows', async () => {
    const { w, out } = await runEmbed(40, 'fp32', [3, 0, 49]);
    expect(out.dims).toEqual([1, 3, 40]);
    expect(Array.from((out.data as Float32Array).subarray(0, 40))).toEqual(Array.from(w.subarray(120, 160)));
  });

  it.each([64, 40])(
    'q4 (H=%i) returns exactly the dequantized int4 rows, with standard ops only',
    async (cols) => {
      const ids = [7, 7, 0, 49, 12];
      const { w, rows, out } = await runEmbed(cols, 'q4', ids);
      const deq = dequantizeQ4(quantizeQ4(w, rows, cols));
      const got = out.data as Float32Array;
      expect(out.dims).toEqual([1, ids.length, cols]);
      ids.forEach((id, k) => {
        expect(Array.from(got.subarray(k * cols, (k + 1) * cols))).toEqual(
          Array.from(deq.subarray(id * cols, (id + 1) * cols)),
        );
      });
    },
  );
});
