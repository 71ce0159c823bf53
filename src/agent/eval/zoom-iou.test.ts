import { describe, expect, it } from 'vitest';
import { containsCentre, iou, matchZooms, summarizeZooms, xywhToBox } from './zoom-iou';

describe('zoom IoU', () => {
  it('IoU by hand: half-overlapping squares, disjoint, identical', () => {
    // [0,0,2,2] and [1,0,3,2]: intersection 2, union 6.
    expect(iou([0, 0, 2, 2], [1, 0, 3, 2])).toBeCloseTo(1 / 3, 12);
    expect(iou([0, 0, 1, 1], [2, 2, 3, 3])).toBe(0);
    expect(iou([5, 5, 9, 8], [5, 5, 9, 8])).toBe(1);
  });
  it('V* xywh boxes and centre coverage', () => {
    expect(xywhToBox([10, 20, 30, 40])).toEqual([10, 20, 40, 60]);
    expect(containsCentre([0, 0, 30, 50], [10, 20, 40, 60])).toBe(true); // centre (25, 40)
    expect(containsCentre([0, 0, 20, 50], [10, 20, 40, 60])).toBe(false);
  });
  it('best pair over zooms and targets; every target centre must be covered', () => {
    const targets: [number, number, number, number][] = [
      [0, 0, 10, 10],
      [100, 100, 110, 110],
    ];
    const m = matchZooms(
      [
        [0, 0, 20, 10],
        [90, 90, 120, 120],
      ],
      targets,
    )!;
    expect(m.bestIou).toBeCloseTo(0.5, 12); // 100 / 200
    expect(m.coversCentre).toBe(true);
    expect(matchZooms([[0, 0, 20, 10]], targets)!.coversCentre).toBe(false);
    expect(matchZooms([], targets)).toEqual({ bestIou: 0, coversCentre: false });
    expect(matchZooms([[0, 0, 1, 1]], undefined)).toBeNull();
  });
  it('summary: IoU over questions that zoomed, coverage over questions with targets', () => {
    const s = summarizeZooms([
      { zooms: 2, match: { bestIou: 0.6, coversCentre: true } },
      { zooms: 1, match: { bestIou: 0.2, coversCentre: false } },
      { zooms: 0, match: { bestIou: 0, coversCentre: false } },
      { zooms: 3, match: null },
    ]);
    expect(s).toEqual({ withTargets: 3, zoomed: 2, meanBestIou: 0.4, centreCoverage: 1 / 3 });
  });
});
