import { describe, expect, it } from 'vitest';
import { PNG } from 'pngjs';
import jpeg from 'jpeg-js';
import { GoldenSet } from '../../../test/support/golden-set';
import {
  downscaleSize,
  jpegScaledSize,
  MAX_WORKING_PIXELS,
  orientedSize,
  readOrientation,
  rgbaToRgbOnWhite,
} from './plan';

const golden = GoldenSet.publicSet();

/** A minimal APP1 Exif segment (big-endian TIFF, IFD0 with only the Orientation tag). */
function exifApp1(orientation: number): Uint8Array {
  const tiff = [
    0x4d,
    0x4d,
    0,
    42,
    0,
    0,
    0,
    8,
    0,
    1,
    0x01,
    0x12,
    0,
    3,
    0,
    0,
    0,
    1,
    0,
    orientation,
    0,
    0,
    0,
    0,
    0,
    0,
  ];
  const payload = [...new TextEncoder().encode('Exif'), 0, 0, ...tiff];
  const len = payload.length + 2;
  return new Uint8Array([0xff, 0xe1, len >> 8, len & 255, ...payload]);
}

function jpegWithOrientation(orientation: number): Uint8Array {
  const raw = new Uint8Array(
    jpeg.encode({ data: Buffer.alloc(8 * 4 * 4, 90), width: 8, height: 4 }, 80).data,
  );
  const app1 = exifApp1(orientation);
  const out = new Uint8Array(raw.length + app1.length);
  out.set(raw.subarray(0, 2));
  out.set(app1, 2);
  out.set(raw.subarray(2), 2 + app1.length);
  return out;
}

describe('orientation', () => {
  it('reads EXIF orientation and swaps the size for the rotating ones', async () => {
    expect(await readOrientation(jpegWithOrientation(6), 'jpeg')).toBe(6);
    expect(await readOrientation(jpegWithOrientation(3), 'jpeg')).toBe(3);
    expect(await readOrientation(golden.bytes('image1.png'), 'png')).toBe(1);
    expect(await readOrientation(new Uint8Array([1, 2, 3]), 'gif')).toBe(1);
    expect(orientedSize(4000, 3000, 6)).toEqual({ width: 3000, height: 4000 });
    expect(orientedSize(4000, 3000, 3)).toEqual({ width: 4000, height: 3000 });
  });
});

describe('downscaleSize', () => {
  it('leaves images under the cap alone and shrinks bigger ones keeping the aspect', () => {
    expect(downscaleSize(4096, 4096)).toBeNull();
    const s = downscaleSize(8000, 6000)!;
    expect(s.width * s.height).toBeLessThanOrEqual(MAX_WORKING_PIXELS);
    expect(s.width / s.height).toBeCloseTo(8000 / 6000, 3);
    expect(downscaleSize(100, 10, 250)).toEqual({ width: 50, height: 5 });
  });
});

describe('jpegScaledSize', () => {
  it('picks the smallest k/8 DCT scale that still covers the target, sides rounded up', () => {
    // 100 MP to the cap (4729x3547): 3/8 gives 4331x3248 (what Chromium's ImageDecoder returned
    // when asked for 4729x3547), short of the target; 4/8 is the smallest that covers it.
    expect(jpegScaledSize({ width: 11547, height: 8660 }, { width: 4729, height: 3547 })).toEqual({
      width: 5774,
      height: 4330,
    });
    // 200 MP: 2/8 gives 4080x3060 (Chromium's answer to 4729x3547), too small; 3/8 covers it.
    expect(jpegScaledSize({ width: 16320, height: 12240 }, { width: 4729, height: 3547 })).toEqual({
      width: 6120,
      height: 4590,
    });
    // An exact k/8 fits as it is; a target above 7/8 of the picture needs the full decode.
    expect(jpegScaledSize({ width: 4000, height: 3000 }, { width: 3000, height: 2250 })).toEqual({
      width: 3000,
      height: 2250,
    });
    expect(jpegScaledSize({ width: 4000, height: 3000 }, { width: 3900, height: 2925 })).toBeNull();
  });
});

describe('rgbaToRgbOnWhite', () => {
  it('reproduces the golden RGB pixels from the decoded golden PNG', () => {
    const png = PNG.sync.read(Buffer.from(golden.bytes('image1.png')));
    const rgb = rgbaToRgbOnWhite(png.data, png.width, png.height);
    expect(rgb.width).toBe(250);
    expect(Buffer.from(rgb.data).equals(Buffer.from(golden.u8('image1_uint8_hwc').data))).toBe(true);
  });

  it('composites transparency over white', () => {
    const rgb = rgbaToRgbOnWhite([0, 0, 0, 0, 0, 0, 0, 128, 200, 100, 0, 255], 3, 1);
    expect(Array.from(rgb.data)).toEqual([255, 255, 255, 127, 127, 127, 200, 100, 0]);
    expect(() => rgbaToRgbOnWhite([1, 2, 3], 1, 1)).toThrow(RangeError);
  });
});
