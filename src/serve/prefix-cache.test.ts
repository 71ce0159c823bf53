import { describe, expect, it } from 'vitest';
import { reusableLength } from './prefix-cache';

const img = (start: number, digest: string) => ({ start, digest });

describe('reusableLength', () => {
  it('reuses the whole cache when the new prompt extends it', () => {
    expect(reusableLength({ ids: [1, 2, 3], images: [] }, { ids: [1, 2, 3, 4, 5], images: [] })).toBe(3);
  });
  it('starts again when the prompt diverges, is the same, or is shorter', () => {
    expect(reusableLength({ ids: [1, 2, 3], images: [] }, { ids: [1, 9, 3, 4], images: [] })).toBe(0);
    expect(reusableLength({ ids: [1, 2, 3], images: [] }, { ids: [1, 2, 3], images: [] })).toBe(0);
    expect(reusableLength({ ids: [1, 2, 3], images: [] }, { ids: [1, 2], images: [] })).toBe(0);
    expect(reusableLength({ ids: [], images: [] }, { ids: [1], images: [] })).toBe(0);
  });
  it('the same pad tokens with a different picture are not the same prompt', () => {
    const cached = { ids: [7, 0, 0, 8], images: [img(1, 'a')] };
    expect(reusableLength(cached, { ids: [7, 0, 0, 8, 9], images: [img(1, 'a')] })).toBe(4);
    expect(reusableLength(cached, { ids: [7, 0, 0, 8, 9], images: [img(1, 'b')] })).toBe(0);
    expect(reusableLength(cached, { ids: [7, 0, 0, 8, 0, 0], images: [img(1, 'a'), img(4, 'c')] })).toBe(4);
  });
});
