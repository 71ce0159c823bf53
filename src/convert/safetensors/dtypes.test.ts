import { describe, expect, it } from 'vitest';
import { bf16ToF32, decodeToF32, encodeF32, f16ToF32, f32ToBf16, f32ToF16 } from './dtypes';

const fromBits = (bits: number[]) => new Float32Array(new Uint32Array(bits).buffer);
const toBits = (f: Float32Array) => Array.from(new Uint32Array(f.buffer, f.byteOffset, f.length));

describe('f16', () => {
  // IEEE 754 binary16 reference points.
  // [input, f16 bits, exact value of those bits]
  const cases: [number, number, number][] = [
    [1, 0x3c00, 1],
    [-2, 0xc000, -2],
    [65504, 0x7bff, 65504],
    [2 ** -14, 0x0400, 2 ** -14],
    [2 ** -24, 0x0001, 2 ** -24],
    [0.1, 0x2e66, 0.0999755859375],
    [1 / 3, 0x3555, 0.333251953125],
    [-0, 0x8000, -0],
    [Infinity, 0x7c00, Infinity],
  ];
  it.each(cases)('%d -> bits %i -> %d', (value, bits, exact) => {
    expect(f32ToF16(new Float32Array([value]))[0]).toBe(bits);
    expect(Object.is(f16ToF32(new Uint16Array([bits]))[0], exact)).toBe(true);
  });

  it('rounds to nearest even, overflows to infinity, flushes below half the smallest subnormal', () => {
    const f = fromBits([
      0x3f801000, // 1 + 2^-11: tie, even stays 1.0
      0x3f803000, // 1 + 3*2^-11: tie, odd rounds up
      0x3f801001, // just above the tie
      0x477ff000, // 65520: rounds up to infinity
      0x477fefff, // just below: 65504
      0x33000000, // 2^-25: tie to 0
      0x33000001, // just above: smallest subnormal
      0x33c00000, // 1.5 * 2^-24: tie between 1 and 2 subnormal units -> 2
    ]);
    expect(Array.from(f32ToF16(f))).toEqual([0x3c00, 0x3c02, 0x3c01, 0x7c00, 0x7bff, 0x0000, 0x0001, 0x0002]);
    expect(Number.isNaN(f16ToF32(f32ToF16(new Float32Array([NaN])))[0])).toBe(true);
  });

  it('every finite f16 survives f16 -> f32 -> f16', () => {
    const all = new Uint16Array(65536).map((_, i) => i);
    const finite = all.filter((h) => (h & 0x7c00) !== 0x7c00 || (h & 0x3ff) === 0);
    expect(Array.from(f32ToF16(f16ToF32(finite)))).toEqual(Array.from(finite));
  });
});

describe('bf16', () => {
  it('widens by shifting and rounds to nearest even', () => {
    expect(toBits(bf16ToF32(new Uint16Array([0x3f80, 0xc049, 0x0001])))).toEqual([
      0x3f800000, 0xc0490000, 0x00010000,
    ]);
    const f = fromBits([0x3f808000, 0x3f818000, 0x3f808001, 0x3f807fff, 0x7f7fffff, 0xff800000]);
    expect(Array.from(f32ToBf16(f))).toEqual([0x3f80, 0x3f82, 0x3f81, 0x3f80, 0x7f80, 0xff80]);
    expect(Number.isNaN(bf16ToF32(f32ToBf16(new Float32Array([NaN])))[0])).toBe(true);
  });
});

describe('encodeF32 / decodeToF32', () => {
  it('round-trips representable values in every float dtype, from unaligned bytes too', () => {
    const v = new Float32Array([0, 1.5, -2.25, 1024, 0.125]);
    for (const dtype of ['F32', 'F16', 'BF16'] as const) {
      const bytes = encodeF32(v, dtype);
      const shifted = new Uint8Array(bytes.byteLength + 1);
      shifted.set(bytes, 1);
      expect(decodeToF32(shifted.subarray(1), dtype)).toEqual(v);
    }
  });
});
