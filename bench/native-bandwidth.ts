/**
 * Read bandwidth measured by native code: onnxruntime-node itself reducing (ReduceSum) a float32
 * buffer far larger than any cache, with its own thread pool, as a decode step streams its weights.
 * The JavaScript summing loop of bandwidth.ts falls short of this (a measured fp32 decode once
 * streamed weights faster than it), so this is the bound decode is compared with.
 *
 * The buffer is an initializer in external data (owned by onnxruntime, no per-run copy from
 * JavaScript); graph optimizations are off so the reduction is not folded at load.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { ExternalDataSink } from '../src/convert/external-data';
import { GraphBuilder } from '../src/convert/onnx/builder';

export interface NativeBandwidth {
  /** Bytes read per second by ReduceSum over `bufferBytes` (best of `repeats`). */
  readBytesPerS: number;
  bufferBytes: number;
  repeats: number;
}

export async function measureNativeBandwidth(
  opts: { bufferBytes?: number; repeats?: number } = {},
): Promise<NativeBandwidth> {
  const bufferBytes = opts.bufferBytes ?? 512 * 2 ** 20;
  const repeats = opts.repeats ?? 8;
  const n = bufferBytes / 4;
  const dir = mkdtempSync(join(tmpdir(), 'deepeyes-bw-'));
  try {
    const sink = new ExternalDataSink({ dir, modelFile: 'reduce.onnx' });
    const g = new GraphBuilder('bandwidth', sink);
    const data = new Float32Array(n);
    for (let i = 0; i < n; i += 1024) data[i] = 1;
    g.weight('buffer', { dtype: 'float32', dims: [n], data });
    g.op('ReduceSum', ['buffer'], { attrs: { keepdims: 0 }, outputs: ['sum'] });
    g.input('unused', 'float32', [1]);
    g.output('sum', 'float32', []);
    const bytes = g.toBytes({ opset: 13 });
    sink.close();
    writeFileSync(join(dir, 'reduce.onnx'), bytes);
    const session = await ort.InferenceSession.create(join(dir, 'reduce.onnx'), {
      executionProviders: ['cpu'],
      graphOptimizationLevel: 'disabled',
    });
    try {
      const feeds = { unused: new ort.Tensor('float32', new Float32Array(1), [1]) };
      const first = await session.run(feeds);
      if ((first.sum.data as Float32Array)[0] !== n / 1024) throw new Error('bandwidth: wrong reduction');
      let best = 0;
      for (let r = 0; r < repeats; r++) {
        const t0 = performance.now();
        await session.run(feeds);
        best = Math.max(best, bufferBytes / ((performance.now() - t0) / 1000));
      }
      return { readBytesPerS: best, bufferBytes, repeats };
    } finally {
      await session.release();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
