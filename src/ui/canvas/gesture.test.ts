import { describe, expect, it } from 'vitest';
import { gestureStep } from './gesture';

describe('gestureStep', () => {
  it('one finger pans by its travel', () => {
    expect(gestureStep([{ x: 10, y: 20 }], [{ x: 15, y: 12 }])).toEqual({
      dx: 5,
      dy: -8,
      factor: 1,
      at: { x: 15, y: 12 },
    });
  });

  it('two fingers spreading from 100 to 150 px apart zoom by 1.5 about their midpoint', () => {
    const s = gestureStep(
      [
        { x: 100, y: 100 },
        { x: 200, y: 100 },
      ],
      [
        { x: 75, y: 100 },
        { x: 225, y: 100 },
      ],
    );
    expect(s).toEqual({ dx: 0, dy: 0, factor: 1.5, at: { x: 150, y: 100 } });
  });

  it('two fingers moving together pan by the midpoint travel, no zoom', () => {
    const s = gestureStep(
      [
        { x: 0, y: 0 },
        { x: 30, y: 40 },
      ],
      [
        { x: 10, y: 5 },
        { x: 40, y: 45 },
      ],
    );
    expect(s).toEqual({ dx: 10, dy: 5, factor: 1, at: { x: 25, y: 25 } });
  });

  it('a change in finger count restarts the gesture', () => {
    expect(
      gestureStep(
        [{ x: 0, y: 0 }],
        [
          { x: 0, y: 0 },
          { x: 5, y: 5 },
        ],
      ),
    ).toBeNull();
    expect(gestureStep([], [])).toBeNull();
  });
});
