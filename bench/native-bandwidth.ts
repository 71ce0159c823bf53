/**
 * Read bandwidth measured by native code: onnxruntime-node itself reading a float32 buffer far
 * larger than any cache, with its own thread pool, as a decode step streams its weights.
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
  /** Bytes read per second: the faster of the two native readers below (best of `repeats` each). */
  readBytesPerS: number;
  /** Which reader gave `readBytesPerS`. */
  reader: 'ReduceSum' | 'MatMul';
  /** Each reader's best figure (bytes/s). */
  byReader: { ReduceSum: number; MatMul: number };
  bufferBytes: number;
  repeats: number;
  /** onnxruntime intra-op threads used ('default': one per physical core). */
  threads: number | 'default';
}

/**
 * Two readers of the same buffer size, because neither alone is a safe bound: onnxruntime's
 * full ReduceSum runs on few threads (on a 16-core machine a q4 decode with 16 threads read its
 * weights 3.8x faster than it), while a one-row float32 MatMul (GEMV) is split across the whole
 * thread pool by MLAS, as the decoder's MatMulNBits is. The faster one is the bound.
 */
type Reader = NativeBandwidth['reader'];

function readerModel(reader: Reader, dir: string, n: number): string {
  const file = `${reader}.onnx`;
  const sink = new ExternalDataSink({ dir, modelFile: file });
  const g = new GraphBuilder('bandwidth', sink);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i += 1024) data[i] = 1;
  if (reader === 'ReduceSum') {
    g.weight('buffer', { dtype: 'float32', dims: [n], data });
    g.input('x', 'float32', [1]);
    g.op('ReduceSum', ['buffer'], { attrs: { keepdims: 0 }, outputs: ['sum'] });
    g.output('sum', 'float32', []);
  } else {
    const k = 4096;
    g.weight('buffer', { dtype: 'float32', dims: [k, n / k], data });
    g.input('x', 'float32', [1, k]);
    g.op('MatMul', ['x', 'buffer'], { outputs: ['y'] });
    g.op('ReduceSum', ['y'], { attrs: { keepdims: 0 }, outputs: ['sum'] });
    g.output('sum', 'float32', []);
  }
  const bytes = g.toBytes({ opset: 13 });
  sink.close();
  writeFileSync(join(dir, file), bytes);
  return join(dir, file);
}

async function bestRate(
  reader: Reader,
  dir: string,
  n: number,
  repeats: number,
  threads: number | undefined,
): Promise<number> {
  const session = await ort.InferenceSession.create(readerModel(reader, dir, n), {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'disabled',
    ...(threads ? { intraOpNumThreads: threads } : {}),
  });
  try {
    const x = reader === 'ReduceSum' ? new Float32Array(1) : new Float32Array(4096).fill(1);
    const feeds = { x: new ort.Tensor('float32', x, reader === 'ReduceSum' ? [1] : [1, 4096]) };
    const first = await session.run(feeds);
    // Every 1024th value is 1, so both readers sum to n / 1024: proof that the buffer was read.
    if ((first.sum.data as Float32Array)[0] !== n / 1024)
      throw new Error(`bandwidth: wrong ${reader} result`);
    let best = 0;
    for (let r = 0; r < repeats; r++) {
      const t0 = performance.now();
      await session.run(feeds);
      best = Math.max(best, (n * 4) / ((performance.now() - t0) / 1000));
    }
    return best;
  } finally {
    await session.release();
  }
}

export async function measureNativeBandwidth(
  opts: { bufferBytes?: number; repeats?: number; threads?: number } = {},
): Promise<NativeBandwidth> {
  // 1 GiB: larger than the last-level cache of any CPU this runs on (some server parts have
  // several hundred MB), so the figure is memory, not cache.
  const bufferBytes = opts.bufferBytes ?? 2 ** 30;
  const repeats = opts.repeats ?? 8;
  const n = bufferBytes / 4;
  const dir = mkdtempSync(join(tmpdir(), 'deepeyes-bw-'));
  try {
    const byReader = {
      ReduceSum: await bestRate('ReduceSum', dir, n, repeats, opts.threads),
      MatMul: await bestRate('MatMul', dir, n, repeats, opts.threads),
    };
    const reader: Reader = byReader.MatMul >= byReader.ReduceSum ? 'MatMul' : 'ReduceSum';
    return {
      readBytesPerS: byReader[reader],
      reader,
      byReader,
      bufferBytes,
      repeats,
      threads: opts.threads ?? 'default',
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
