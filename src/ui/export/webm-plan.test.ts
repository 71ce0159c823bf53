import { describe, expect, it } from 'vitest';
import { pickVideoCodec, planVideo } from './webm-plan';

describe('planVideo', () => {
  it('holds each slide frame for its delay at the frame rate, a key frame where each begins', () => {
    const v = planVideo([2000, 3000, 4000], 2);
    // 2 s + 3 s + 4 s at 2 fps: 4 + 6 + 8 samples, half a second apart, 9 s in all.
    expect(v).toHaveLength(18);
    expect(v.map((s) => s.frame)).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2]);
    expect(v.filter((s) => s.keyFrame).map((s) => s.timestamp)).toEqual([0, 2, 5]);
    expect(v[17].timestamp + v[17].duration).toBe(9);
  });

  it('shows a frame shorter than one sample once rather than dropping it', () => {
    expect(planVideo([100, 2000], 2).map((s) => s.frame)).toEqual([0, 1, 1, 1, 1]);
  });
});

describe('pickVideoCodec', () => {
  it('prefers VP9, takes VP8 without it, and gives null when neither encodes (or the check throws)', async () => {
    expect(await pickVideoCodec(async () => true)).toBe('vp9');
    expect(await pickVideoCodec(async (c) => c === 'vp8')).toBe('vp8');
    expect(
      await pickVideoCodec(async (c) => {
        if (c === 'vp9') throw new Error('no');
        return false;
      }),
    ).toBeNull();
  });
});
