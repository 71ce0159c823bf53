/**
 * This machine's memory bandwidth as Node sees it: threads each streaming through their own
 * large Float64Array, once summing it (a pure read, like a decode step reading every weight
 * once) and once copying it (memmove, counted as bytes read + written). The arrays are far
 * larger than any cache, so the figures are DRAM bandwidth, not cache speed. A JS summing loop
 * may fall short of the hardware's read bandwidth; the copy shows what memmove reaches.
 */
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';

export interface Bandwidth {
  threads: number;
  /** Bytes read per second by a summing loop, all threads together (best of the repeats). */
  readBytesPerS: number;
  /** Bytes read + written per second by TypedArray.set (memmove), all threads (best of the repeats). */
  copyBytesPerS: number;
  /** Bytes per array per thread. */
  arrayBytes: number;
}

// Plain JS run with eval: the worker needs no TypeScript loader.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const a = new Float64Array(workerData.bytes / 8);
const b = new Float64Array(a.length);
for (let i = 0; i < a.length; i++) a[i] = i & 1023;
parentPort.on('message', (mode) => {
  let s = 0;
  for (let r = 0; r < workerData.rounds; r++) {
    if (mode === 'copy') { b.set(a); s += b[r]; continue; }
    for (let i = 0; i < a.length; i += 4) s += a[i] + a[i + 1] + a[i + 2] + a[i + 3];
  }
  parentPort.postMessage(s);
});
parentPort.postMessage('ready');
`;

function once(worker: Worker): Promise<unknown> {
  return new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

/** Bandwidth with `threads` workers (default: every core), best of `repeats` timed passes. */
export async function measureBandwidth(
  opts: { threads?: number; arrayBytes?: number; rounds?: number; repeats?: number } = {},
): Promise<Bandwidth> {
  const threads = opts.threads ?? availableParallelism();
  const arrayBytes = opts.arrayBytes ?? 256 * 2 ** 20;
  const rounds = opts.rounds ?? 4;
  const workers = Array.from(
    { length: threads },
    () => new Worker(WORKER_SOURCE, { eval: true, workerData: { bytes: arrayBytes, rounds } }),
  );
  try {
    await Promise.all(workers.map(once));
    const best = async (mode: 'sum' | 'copy', bytesPerPass: number) => {
      let top = 0;
      for (let r = 0; r < (opts.repeats ?? 3); r++) {
        const t0 = performance.now();
        const done = workers.map(once);
        for (const w of workers) w.postMessage(mode);
        await Promise.all(done);
        top = Math.max(top, (threads * bytesPerPass * rounds) / ((performance.now() - t0) / 1000));
      }
      return top;
    };
    const readBytesPerS = await best('sum', arrayBytes);
    const copyBytesPerS = await best('copy', 2 * arrayBytes);
    return { threads, readBytesPerS, copyBytesPerS, arrayBytes };
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
