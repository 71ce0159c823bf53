/** Node-only test helpers (golden arrays as RgbImage); imported by *.test.ts files alone. */

import { GoldenSet } from './golden-set';

import type { RgbImage } from '../../src/base/types';
export function goldenRgb(golden: GoldenSet, name: string): RgbImage {
  const { data, shape } = golden.u8(name);
  if (shape.length !== 3 || shape[2] !== 3) throw new Error(`${name} is not HxWx3 (shape ${shape})`);
  return { height: shape[0], width: shape[1], data };
}

/** Index and values of the first difference, for readable failures. */
export function firstDiff(a: ArrayLike<number>, b: ArrayLike<number>): string {
  if (a.length !== b.length) return `length ${a.length} != ${b.length}`;
  let count = 0;
  let first = -1;
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) {
      if (first < 0) first = i;
      count++;
    }
  }
  return first < 0 ? 'equal' : `${count} differ, first at ${first}: ${a[first]} != ${b[first]}`;
}
