import { describe, expect, it } from 'vitest';
import { patchGrid } from './patch-grid';

describe('patchGrid', () => {
  it('2560x1600 seen as 2548x1596: 91 x 57 cells, 5187 tokens, cells a little over 28 px', () => {
    const g = patchGrid({ width: 2560, height: 1600 }, { width: 2548, height: 1596 });
    expect(g).toMatchObject({ columns: 91, rows: 57, tokens: 5187 });
    expect(g.cellWidth).toBeCloseTo(2560 / 91, 9);
    expect(g.cellHeight).toBeCloseTo(1600 / 57, 9);
  });

  it('the golden crop (100x110 seen as 112x112) is 4 x 4 cells, 16 tokens', () => {
    expect(patchGrid({ width: 100, height: 110 }, { width: 112, height: 112 }).tokens).toBe(16);
  });
});
