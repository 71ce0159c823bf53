/**
 * Test-only stand-in for src/model/vision/plan.ts: the vision graph's per-grid inputs built
 * from the HF window index (vision-reference.ts). Used until the real plan lands.
 */
import type { VisionConfig } from '../../model/config';
import { rotaryFreqs, windowIndexOf, type Grid } from './vision-reference';
import { visionWindowSlots } from './vision';

export interface VisionPlanTensors {
  patchOrder: BigInt64Array;
  rotaryCos: Float32Array;
  rotarySin: Float32Array;
  windowGather: BigInt64Array;
  windowMask: Float32Array;
  windowScatter: BigInt64Array;
  mergeReverse: BigInt64Array;
  numWindows: number;
}

export function testVisionPlan(grid: Grid, cfg: VisionConfig): VisionPlanTensors {
  const n = grid[0] * grid[1] * grid[2];
  const unit = cfg.spatialMergeSize ** 2;
  const hd = cfg.hiddenSize / cfg.numHeads;
  const slots = visionWindowSlots(cfg);
  const { windowIndex, cuWindowSeqlens: cu } = windowIndexOf(grid, cfg);
  const freqs = rotaryFreqs(grid, cfg);

  const patchOrder = new BigInt64Array(n);
  const rotaryCos = new Float32Array(n * hd);
  const rotarySin = new Float32Array(n * hd);
  for (let r = 0; r < n; r++) {
    const src = windowIndex[Math.floor(r / unit)] * unit + (r % unit);
    patchOrder[r] = BigInt(src);
    for (let i = 0; i < hd; i++) {
      const f = freqs[src * (hd / 2) + (i % (hd / 2))];
      rotaryCos[r * hd + i] = Math.cos(f);
      rotarySin[r * hd + i] = Math.sin(f);
    }
  }
  const w = cu.length - 1;
  const windowGather = new BigInt64Array(w * slots);
  const windowMask = new Float32Array(w * slots);
  const windowScatter = new BigInt64Array(n);
  for (let win = 0; win < w; win++) {
    const len = cu[win + 1] - cu[win];
    for (let j = 0; j < slots; j++) {
      windowGather[win * slots + j] = BigInt(cu[win] + (j < len ? j : 0));
      windowMask[win * slots + j] = j < len ? 0 : -1e9;
    }
    for (let j = 0; j < len; j++) windowScatter[cu[win] + j] = BigInt(win * slots + j);
  }
  const mergeReverse = new BigInt64Array(windowIndex.length);
  windowIndex.forEach((orig, pos) => (mergeReverse[orig] = BigInt(pos)));
  return { patchOrder, rotaryCos, rotarySin, windowGather, windowMask, windowScatter, mergeReverse, numWindows: w };
}
