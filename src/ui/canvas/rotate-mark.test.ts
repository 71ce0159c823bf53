import { describe, expect, it } from 'vitest';
import { rotatedCorners } from './rotate-mark';

describe('rotatedCorners', () => {
  it('a quarter turn of 2560x1600 stands 1600 wide and 2560 tall about the same centre', () => {
    // By hand: centre (1280, 800); the top-left corner (-1280, -800) from it goes to (-800, 1280),
    // i.e. (480, 2080): the old top edge is now the left edge, as a counter-clockwise turn puts it.
    expect(rotatedCorners({ width: 2560, height: 1600 }, 90)).toEqual([
      { x: 480, y: 2080 },
      { x: 480, y: -480 },
      { x: 2080, y: -480 },
      { x: 2080, y: 2080 },
    ]);
  });
  it('a half turn swaps opposite corners; no turn leaves them', () => {
    const r = rotatedCorners({ width: 4, height: 2 }, 180);
    expect(r[0]).toEqual({ x: 4, y: 2 });
    expect(rotatedCorners({ width: 4, height: 2 }, 0)[2]).toEqual({ x: 4, y: 2 });
  });
  it('45 degrees: the top-left corner of a 2x2 square turns to the left, level with the centre', () => {
    // Square 2x2, centre (1,1): corner (-1,-1) -> (-cos45 - sin45, sin45 - cos45) = (-1.414.., 0).
    const [tl] = rotatedCorners({ width: 2, height: 2 }, 45);
    expect(tl.x).toBeCloseTo(1 - Math.SQRT2, 12);
    expect(tl.y).toBeCloseTo(1, 12);
  });
});
