import { describe, expect, it } from 'vitest';
import { applyOrientation } from './orientation';

// A 3x2 image whose pixels are numbered 1..6 (row-major), one grey level each:
//   1 2 3
//   4 5 6
const src = { width: 3, height: 2, data: Uint8Array.from([1, 2, 3, 4, 5, 6].flatMap((v) => [v, v, v])) };
const grid = (img: { width: number; height: number; data: Uint8Array }) =>
  Array.from({ length: img.height }, (_, y) =>
    Array.from({ length: img.width }, (_, x) => img.data[(y * img.width + x) * 3]),
  );

describe('applyOrientation (EXIF 1-8, as viewers display them)', () => {
  it.each([
    [
      1,
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
    ],
    [
      2,
      [
        [3, 2, 1],
        [6, 5, 4],
      ],
    ],
    [
      3,
      [
        [6, 5, 4],
        [3, 2, 1],
      ],
    ],
    [
      4,
      [
        [4, 5, 6],
        [1, 2, 3],
      ],
    ],
    [
      5,
      [
        [1, 4],
        [2, 5],
        [3, 6],
      ],
    ],
    [
      6,
      [
        [4, 1],
        [5, 2],
        [6, 3],
      ],
    ],
    [
      7,
      [
        [6, 3],
        [5, 2],
        [4, 1],
      ],
    ],
    [
      8,
      [
        [3, 6],
        [2, 5],
        [1, 4],
      ],
    ],
  ])('orientation %i', (o, expected) => {
    expect(grid(applyOrientation(src, o))).toEqual(expected);
  });
});
