import { describe, expect, it } from 'vitest';
import { BodyHead, SNIFF_BYTES } from './body-head';

const bytes = (...v: number[]) => new Uint8Array(v);

describe('BodyHead', () => {
  it('holds chunks until the limit, then hands them out joined in order', () => {
    const h = new BodyHead(4);
    expect(h.push(bytes(1, 2))).toBeNull();
    expect(h.push(bytes(3))).toBeNull();
    expect(Array.from(h.push(bytes(4, 5))!)).toEqual([1, 2, 3, 4, 5]);
  });

  it('releases a body shorter than the limit, and nothing twice', () => {
    const h = new BodyHead(4);
    h.push(bytes(7));
    h.push(bytes(8, 9));
    expect(Array.from(h.release())).toEqual([7, 8, 9]);
    expect(h.release().length).toBe(0);
  });

  it('sniffs 64 bytes by default', () => {
    const h = new BodyHead();
    expect(SNIFF_BYTES).toBe(64);
    expect(h.push(new Uint8Array(63))).toBeNull();
    expect(h.push(new Uint8Array(1))?.length).toBe(64);
  });
});
