import { describe, expect, it } from 'vitest';
import { crc32 } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { PNG } from 'pngjs';
import jpeg from 'jpeg-js';
import { GoldenSet } from '../../test/support/golden-set';
import { detectFormat, inspectImage, sniffImage } from './sniff';

const golden = GoldenSet.publicSet();

function pngOf(width: number, height: number): Uint8Array {
  const png = new PNG({ width, height });
  png.data.fill(200);
  return new Uint8Array(PNG.sync.write(png));
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, data.length);
  out.set(new TextEncoder().encode(type), 4);
  out.set(data, 8);
  dv.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

const PNG_SIG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** A PNG that only declares a size: what a decompression bomb's header looks like. */
function pngHeaderOnly(width: number, height: number): Uint8Array {
  const ihdr = new Uint8Array(13);
  new DataView(ihdr.buffer).setUint32(0, width);
  new DataView(ihdr.buffer).setUint32(4, height);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return concat(PNG_SIG, chunk('IHDR', ihdr), chunk('IEND', new Uint8Array()));
}

function gif(frames: number): Uint8Array {
  const head = [...new TextEncoder().encode('GIF89a'), 3, 0, 2, 0, 0x80, 0, 0, 0, 0, 0, 255, 255, 255];
  const frame = [0x21, 0xf9, 4, 0, 10, 0, 0, 0, 0x2c, 0, 0, 0, 0, 3, 0, 2, 0, 0, 2, 2, 0x4c, 0x01, 0];
  return new Uint8Array([...head, ...Array.from({ length: frames }, () => frame).flat(), 0x3b]);
}

function riff(chunkType: string, payload: number[]): Uint8Array {
  const body = [...new TextEncoder().encode('WEBP' + chunkType), payload.length, 0, 0, 0, ...payload];
  const n = body.length;
  return new Uint8Array([...new TextEncoder().encode('RIFF'), n & 255, (n >> 8) & 255, 0, 0, ...body]);
}

function bmp(width: number, height: number): Uint8Array {
  const rowBytes = Math.ceil((width * 3) / 4) * 4;
  const size = 54 + rowBytes * height;
  const b = new Uint8Array(size);
  const dv = new DataView(b.buffer);
  b.set([0x42, 0x4d]);
  dv.setUint32(2, size, true);
  dv.setUint32(10, 54, true);
  dv.setUint32(14, 40, true);
  dv.setInt32(18, width, true);
  dv.setInt32(22, -height, true);
  dv.setUint16(26, 1, true);
  dv.setUint16(28, 24, true);
  return b;
}

function box(type: string, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + payload.length);
  new DataView(out.buffer).setUint32(0, out.length);
  out.set(new TextEncoder().encode(type), 4);
  out.set(payload, 8);
  return out;
}

function ispe(w: number, h: number): Uint8Array {
  const p = new Uint8Array(12);
  new DataView(p.buffer).setUint32(4, w);
  new DataView(p.buffer).setUint32(8, h);
  return box('ispe', p);
}

function heif(major: string, w: number, h: number): Uint8Array {
  const ftyp = box('ftyp', new TextEncoder().encode(`${major}\0\0\0\0mif1${major}`));
  return concat(ftyp, box('meta', concat(ispe(320, 240), ispe(w, h))));
}

describe('sniffImage', () => {
  it('reads the golden PNG: format and size match the golden array shape', () => {
    const [h, w] = golden.manifest.arrays['image1_uint8_hwc'].shape;
    expect(sniffImage(golden.bytes('image1.png'))).toEqual({
      format: 'png',
      mime: 'image/png',
      width: w,
      height: h,
      animated: false,
      truncated: null,
    });
  });

  it('flags APNG as animated', () => {
    const still = pngOf(4, 3);
    const actl = chunk('acTL', new Uint8Array([0, 0, 0, 2, 0, 0, 0, 0]));
    const apng = concat(still.subarray(0, 33), actl, still.subarray(33));
    expect(sniffImage(apng)).toMatchObject({
      format: 'png',
      width: 4,
      height: 3,
      animated: true,
      truncated: null,
    });
  });

  it('reads JPEG size from the SOF segment and needs an EOI after the scan', () => {
    const data = Buffer.alloc(37 * 23 * 4, 128);
    const bytes = new Uint8Array(jpeg.encode({ data, width: 37, height: 23 }, 80).data);
    expect(sniffImage(bytes)).toMatchObject({ format: 'jpeg', width: 37, height: 23, truncated: null });
    expect(sniffImage(concat(bytes, new Uint8Array(500).fill(7))).truncated).toBeNull();
    expect(sniffImage(bytes.subarray(0, bytes.length - 10)).truncated).toMatch(/end-of-image/);
  });

  it('counts GIF frames and needs the trailer', () => {
    expect(sniffImage(gif(1))).toMatchObject({
      format: 'gif',
      width: 3,
      height: 2,
      animated: false,
      truncated: null,
    });
    expect(sniffImage(gif(3))).toMatchObject({ animated: true, truncated: null });
    expect(sniffImage(gif(1).subarray(0, 30)).truncated).toMatch(/trailer/);
  });

  it('reads the three WebP headers', () => {
    const vp8x = riff('VP8X', [0x02, 0, 0, 0, 99, 0, 0, 49, 1, 0]);
    expect(sniffImage(vp8x)).toMatchObject({ format: 'webp', width: 100, height: 306, animated: true });
    const bits = 639 | (479 << 14);
    const vp8l = riff('VP8L', [0x2f, bits & 255, (bits >> 8) & 255, (bits >> 16) & 255, (bits >>> 24) & 255]);
    expect(sniffImage(vp8l)).toMatchObject({ width: 640, height: 480, animated: false, truncated: null });
    const vp8 = riff('VP8 ', [0, 0, 0, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0xe0, 0x01]);
    expect(sniffImage(vp8)).toMatchObject({ width: 640, height: 480 });
    expect(sniffImage(vp8l.subarray(0, 22)).truncated).toMatch(/RIFF/);
  });

  it('reads BMP (top-down rows) and HEIC/AVIF primary sizes', () => {
    expect(sniffImage(bmp(5, 4))).toMatchObject({ format: 'bmp', width: 5, height: 4, truncated: null });
    expect(sniffImage(bmp(5, 4).subarray(0, 60)).truncated).toMatch(/declared/);
    expect(sniffImage(heif('heic', 4032, 3024))).toMatchObject({ format: 'heic', width: 4032, height: 3024 });
    expect(sniffImage(heif('avif', 1920, 1080))).toMatchObject({ format: 'avif', width: 1920, height: 1080 });
  });

  it('recognizes SVG and TIFF by content, not name', () => {
    const enc = (s: string) => new TextEncoder().encode(s);
    expect(
      detectFormat(enc('\uFEFF  <?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"></svg>')),
    ).toBe('svg');
    expect(detectFormat(enc('<svg width="10"/>'))).toBe('svg');
    expect(detectFormat(enc('<html><body>not an image</body></html>'))).toBe('unknown');
    expect(detectFormat(new Uint8Array([0x49, 0x49, 0x2a, 0, 8, 0, 0, 0]))).toBe('tiff');
  });
});

describe('inspectImage', () => {
  it('accepts ordinary images', () => {
    expect(inspectImage(golden.bytes('image1.png')).format).toBe('png');
  });

  it('refuses empty, SVG, TIFF and unknown files with their own codes', () => {
    const enc = (s: string) => new TextEncoder().encode(s);
    expect(() => inspectImage(new Uint8Array(), undefined, 'photo.jpg')).toThrow(
      expect.objectContaining({ code: 'empty_file', message: expect.stringMatching(/photo\.jpg is empty/) }),
    );
    expect(() => inspectImage(enc('<svg xmlns="x"/>'))).toThrow(
      expect.objectContaining({ code: 'unsupported_format', message: expect.stringMatching(/SVG/) }),
    );
    expect(() => inspectImage(new Uint8Array([0x4d, 0x4d, 0, 0x2a, 0, 0, 0, 8]))).toThrow(
      expect.objectContaining({ code: 'unsupported_format' }),
    );
    expect(() => inspectImage(enc('hello world'))).toThrow(
      expect.objectContaining({ code: 'unsupported_format' }),
    );
  });

  it('refuses truncated files', () => {
    const png = golden.bytes('image1.png');
    expect(() => inspectImage(png.subarray(0, png.length - 12))).toThrow(
      expect.objectContaining({ code: 'truncated', message: expect.stringMatching(/IEND/) }),
    );
    expect(() => inspectImage(png.subarray(0, 20))).toThrow(expect.objectContaining({ code: 'truncated' }));
    expect(() => inspectImage(pngHeaderOnly(0, 10))).toThrow(expect.objectContaining({ code: 'truncated' }));
  });

  it('refuses a decompression bomb from its header alone', () => {
    const bomb = pngHeaderOnly(30_000, 30_000);
    expect(bomb.length).toBeLessThan(100);
    expect(() => inspectImage(bomb)).toThrow(
      expect.objectContaining({
        code: 'too_many_pixels',
        message: expect.stringMatching(/30000x30000 pixels \(900 MP\)/),
      }),
    );
    // 100 MP declared in a few dozen bytes: refused too, for the file being far too small.
    expect(() => inspectImage(pngHeaderOnly(10_000, 10_000))).toThrow(
      expect.objectContaining({ code: 'too_many_pixels', message: expect.stringMatching(/only \d+ bytes/) }),
    );
    // A small picture needs no minimum file size.
    expect(inspectImage(pngHeaderOnly(4_000, 4_000)).width).toBe(4_000);
  });

  /** A real JPEG (a bundled sample) relabelled as width x height and padded to `bytes`, as a camera file. */
  function cameraJpeg(width: number, height: number, bytes: number): Uint8Array {
    const real = new Uint8Array(
      readFileSync(resolve(import.meta.dirname, '../../public/samples/raindrops.jpg')),
    );
    const out = new Uint8Array(bytes);
    out.set(real.subarray(0, real.length - 2));
    out.set([0xff, 0xd9], bytes - 2);
    let at = 2;
    for (;;) {
      const marker = out[at + 1];
      if (marker >= 0xc0 && marker <= 0xc3) break;
      at += 2 + ((out[at + 2] << 8) | out[at + 3]);
    }
    out.set([height >> 8, height & 255, width >> 8, width & 255], at + 5);
    return out;
  }

  it('accepts real camera photos up to 200 MP and refuses bigger ones', () => {
    // A 200 MP phone sensor (16320x12240) makes files of 20-40 MB.
    const phone = cameraJpeg(16_320, 12_240, 24_000_000);
    expect(inspectImage(phone)).toMatchObject({ format: 'jpeg', width: 16_320, height: 12_240 });
    // 150 MP medium format (14204x10652), 30 MB.
    expect(inspectImage(cameraJpeg(14_204, 10_652, 30_000_000)).width).toBe(14_204);
    expect(() => inspectImage(cameraJpeg(20_000, 12_000, 40_000_000))).toThrow(
      expect.objectContaining({ code: 'too_many_pixels', message: expect.stringMatching(/over the 200 MP/) }),
    );
  });

  it('refuses aspect ratios over 200 (the smart_resize limit)', () => {
    expect(() => inspectImage(pngOf(201, 1))).toThrow(expect.objectContaining({ code: 'aspect_ratio' }));
    expect(inspectImage(pngOf(200, 1)).width).toBe(200);
  });
});
