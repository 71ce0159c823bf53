import { describe, expect, it } from 'vitest';
import { patchGrid, turnImages } from './patch-grid';
import { sampleTrace } from '../../../test/support/trace-fixtures';

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

describe('turnImages', () => {
  it('turn 1 carries the picture; the crop of each zoom goes back in the next turn', () => {
    const t = sampleTrace();
    const crops = t.steps.flatMap((s) => (s.action.kind === 'tool_call' ? [s] : []));
    const got = turnImages({ resizedWidth: 2548, resizedHeight: 1596 }, t.steps);
    expect(got[0]).toEqual({ turn: 1, what: 'picture', width: 2548, height: 1596, tokens: 5187 });
    expect(got).toHaveLength(1 + crops.length);
    const c = crops[0].action.kind === 'tool_call' ? crops[0].action.crop : null;
    expect(got[1]).toEqual({
      turn: crops[0].index + 2,
      what: `crop of step ${crops[0].index + 1}`,
      width: c!.resizedWidth,
      height: c!.resizedHeight,
      tokens: (c!.resizedWidth / 28) * (c!.resizedHeight / 28),
    });
  });
});
