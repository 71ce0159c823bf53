import { describe, expect, it } from 'vitest';
import { GoldenSet } from '../../../test/support/golden-set';
import type { GridThw } from '../image/patchify';
import {
  advanceRopeState,
  appendRopeIndex,
  chunkPositionIds,
  decodePositionIds,
  getRopeIndex,
  positionsToInt64,
  RopeIndexError,
  type MropePositions,
} from './rope-index';

const golden = GoldenSet.publicSet();
const turn1 = golden.i64('turn1_input_ids').data;
const chunk = golden.i64('turn2_chunk_input_ids').data;
const grid1 = golden.i64('image1_grid_thw').data as GridThw;
const gridCrop = golden.i64('crop_grid_thw').data as GridThw;
const [delta1, delta2] = golden.i64('rope_deltas').data;
const rows = (p: MropePositions) => Array.from(p.data);

describe('getRopeIndex (golden)', () => {
  it('turn 1: position ids [3, 441] and rope_delta -54', () => {
    const r = getRopeIndex(turn1, [grid1]);
    expect(r.positions.length).toBe(441);
    expect(rows(r.positions)).toEqual(golden.i64('turn1_position_ids').data);
    expect(r.ropeDelta).toBe(delta1);
  });

  it('turn 2 chunk by full recompute = golden [3, 136]; conversation rope_delta -66', () => {
    const all = [...turn1, ...chunk];
    const p = chunkPositionIds(all, [grid1, gridCrop], turn1.length);
    expect(rows(p)).toEqual(golden.i64('turn2_chunk_position_ids').data);
    expect(getRopeIndex(all, [grid1, gridCrop]).ropeDelta).toBe(delta2);
  });

  it('incremental append from the turn-1 state equals the full recompute', () => {
    const first = getRopeIndex(turn1, [grid1]);
    const next = appendRopeIndex(first.state, chunk, [gridCrop]);
    expect(rows(next.positions)).toEqual(golden.i64('turn2_chunk_position_ids').data);
    expect(next.state.length).toBe(turn1.length + chunk.length);
    expect(next.state.nextPosition - next.state.length).toBe(delta2);
  });

  it('decode positions: [387, 388, 389] after turn 1, [511, 512, 513] after the chunk', () => {
    const s1 = getRopeIndex(turn1, [grid1]).state;
    expect(rows(decodePositionIds(s1, 3))).toEqual([387, 388, 389, 387, 388, 389, 387, 388, 389]);
    const s2 = appendRopeIndex(s1, chunk, [gridCrop]).state;
    const steps = [0, 1, 2].map((s) => rows(decodePositionIds(advanceRopeState(s2, s)))[0]);
    expect(steps).toEqual([511, 512, 513]);
    expect(Array.from(positionsToInt64(decodePositionIds(s2)))).toEqual([511n, 511n, 511n]);
  });

  it('any split point of the conversation gives the same ids as the full recompute', () => {
    const all = [...turn1, ...chunk];
    const grids = [grid1, gridCrop];
    const full = rows(getRopeIndex(all, grids).positions);
    const L = all.length;
    const firstPad = all.indexOf(151655);
    // Split points outside image pad runs (a chunk always holds whole images).
    for (const cut of [1, 100, firstPad, firstPad + 63, 441, 500, L - 1]) {
      const imagesBefore = all.slice(0, cut).filter((v, k) => v === 151655 && all[k - 1] !== 151655).length;
      const a = appendRopeIndex(
        { length: 0, nextPosition: 0 },
        all.slice(0, cut),
        grids.slice(0, imagesBefore),
      );
      const b = appendRopeIndex(a.state, all.slice(cut), grids.slice(imagesBefore));
      for (let r = 0; r < 3; r++) {
        const got = [
          ...rows(a.positions).slice(r * cut, (r + 1) * cut),
          ...rows(b.positions).slice(r * (L - cut), (r + 1) * (L - cut)),
        ];
        expect(got).toEqual(full.slice(r * L, (r + 1) * L));
      }
    }
  });
});

describe('getRopeIndex errors and text-only input', () => {
  it('text only: arange on all rows, delta 0', () => {
    const r = getRopeIndex([5, 6, 7], []);
    expect(rows(r.positions)).toEqual([0, 1, 2, 0, 1, 2, 0, 1, 2]);
    expect(r.ropeDelta).toBe(0);
  });

  it('pads and grids that disagree are typed errors', () => {
    const pads = (n: number) => new Array(n).fill(151655);
    expect(() => getRopeIndex([1, ...pads(4), 2], [])).toThrow(RopeIndexError);
    expect(() => getRopeIndex([1, ...pads(3), 2], [[1, 4, 4]])).toThrow(RopeIndexError);
    expect(() => getRopeIndex([1, ...pads(3)], [[1, 4, 4]])).toThrow(RopeIndexError);
    expect(() => getRopeIndex([1, 2], [[1, 4, 4]])).toThrow(RopeIndexError);
    // A 2x3 merged grid: t = start, h = start + row, w = start + col; text resumes at start + 3.
    const r = getRopeIndex([9, ...pads(6), 9], [[1, 4, 6]]);
    expect(rows(r.positions)).toEqual([
      0, 1, 1, 1, 1, 1, 1, 4, 0, 1, 1, 1, 2, 2, 2, 4, 0, 1, 2, 3, 1, 2, 3, 4,
    ]);
  });
});
