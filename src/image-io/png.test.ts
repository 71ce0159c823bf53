import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { encode } from 'fast-png';
import { GoldenSet } from '../../test/support/golden-set';
import { decodePng, encodePng, pngDataUrl, PngDecodeError } from './png';

describe('png codec', () => {
  const golden = GoldenSet.publicSet();

  it('decodes the golden image1.png to exactly the reference RGB bytes', () => {
    const img = decodePng(golden.bytes('image1.png'));
    const ref = golden.u8('image1_uint8_hwc');
    expect([img.height, img.width, 3]).toEqual(ref.shape);
    expect(Buffer.from(img.data).equals(Buffer.from(ref.data))).toBe(true);
  });

  it('round-trips RGB through encodePng', () => {
    const ref = golden.u8('crop_uint8_hwc');
    const img = { width: 100, height: 110, data: ref.data };
    expect(Buffer.from(decodePng(encodePng(img)).data).equals(Buffer.from(ref.data))).toBe(true);
    expect(pngDataUrl(img).startsWith('data:image/png;base64,iVBORw0KGgo')).toBe(true);
  });

  it('composites alpha on white and expands grey and 16-bit', () => {
    const rgba = encode({
      width: 2,
      height: 1,
      data: Uint8Array.of(0, 0, 0, 0, 200, 100, 50, 255),
      channels: 4,
      depth: 8,
    });
    expect(Array.from(decodePng(rgba).data)).toEqual([255, 255, 255, 200, 100, 50]);
    const grey16 = encode({ width: 1, height: 1, data: Uint16Array.of(0x8000), channels: 1, depth: 16 });
    expect(Array.from(decodePng(grey16).data)).toEqual([128, 128, 128]);
  });

  it('refuses truncated files with a typed error', () => {
    const bytes = golden.bytes('image1.png');
    expect(() => decodePng(bytes.subarray(0, 100))).toThrow(PngDecodeError);
    expect(() => decodePng(new Uint8Array(0))).toThrow(PngDecodeError);
  });
});

describe('low bit depths (fixtures made with Python zlib/struct: fixtures/make-grey-pngs.py)', () => {
  const dir = resolve(import.meta.dirname, 'fixtures');
  const expected = JSON.parse(readFileSync(resolve(dir, 'grey-expected.json'), 'utf8')) as {
    width: number;
    height: number;
    grey: Record<string, number[]>;
  };
  for (const [file, grey] of Object.entries(expected.grey)) {
    it(`${file} decodes to its grey levels on every channel`, () => {
      const img = decodePng(new Uint8Array(readFileSync(resolve(dir, file))));
      expect([img.width, img.height]).toEqual([expected.width, expected.height]);
      expect(Array.from(img.data)).toEqual(grey.flatMap((v) => [v, v, v]));
    });
  }
});
