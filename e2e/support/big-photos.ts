/**
 * Camera-sized test photos for the big-picture e2e tests, made with sharp and kept under .cache/
 * (gitignored) so that a rerun does not spend half a minute of CPU making them again. And the two
 * decompression bombs: small PNG files that declare far more pixels than they could hold.
 */
import { existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { deflateSync } from 'node:zlib';
import sharp from 'sharp';

const CACHE = resolve(import.meta.dirname, '../../.cache/e2e-big-photos');

/** A seeded generator: the same photo on every machine. */
function lcg(seed: number): () => number {
  let s = seed;
  return () => (s = (Math.imul(s, 1103515245) + 12345) & 0x7fffffff) / 0x7fffffff;
}

/**
 * A `width` x `height` JPEG (quality 90, 4:2:0; stored so, with EXIF `orientation` when it is not
 * 1: 6 is a phone held upright) that compresses like a photo: a smooth colour
 * field (a 24x18 grid of random colours, upscaled) for the pixel checks to find their way by,
 * under gaussian sensor-like grain (sigma 10, a 509 px tile: JPEG cannot exploit the repeat).
 * About 4.4 pixels per byte: 23 MB at 100 MP, 45 MB at 200 MP, as real cameras write. Made once.
 */
export async function photoJpeg(
  width: number,
  height: number,
  orientation = 1,
): Promise<{ path: string; bytes: number }> {
  const path = resolve(CACHE, `photo-${width}x${height}-o${orientation}-v1.jpg`);
  if (!existsSync(path)) {
    mkdirSync(CACHE, { recursive: true });
    const [gw, gh] = [24, 18];
    const next = lcg(width * 31 + height);
    const grid = Buffer.alloc(gw * gh * 3);
    for (let i = 0; i < grid.length; i++) grid[i] = 40 + Math.floor(next() * 175);
    const grain = await sharp({
      create: {
        width: 509,
        height: 509,
        channels: 3,
        background: '#808080',
        noise: { type: 'gaussian', mean: 128, sigma: 10 },
      },
    })
      .png()
      .toBuffer();
    // Written beside the final name, then renamed: an interrupted run leaves no half file.
    const partial = `${path}.${process.pid}.part`;
    const photo = sharp(grid, { raw: { width: gw, height: gh, channels: 3 } })
      .resize(width, height, { kernel: 'cubic', fit: 'fill' })
      .composite([{ input: grain, tile: true, blend: 'overlay' }])
      .jpeg({ quality: 90 });
    await (orientation === 1 ? photo : photo.withMetadata({ orientation })).toFile(partial);
    renameSync(partial, path);
  }
  return { path, bytes: statSync(path).size };
}

function chunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  // CRC-32 over type and data (the PNG polynomial, reflected).
  let c = 0xffffffff;
  for (const b of out.subarray(4, 8 + data.length)) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  out.writeUInt32BE((c ^ 0xffffffff) >>> 0, 8 + data.length);
  return out;
}

/** A 1-bit grey PNG of `width` x `height`; `rows` of it are really there, all black. */
export function blackPng(width: number, height: number, rows = height): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([1, 0, 0, 0, 0], 8); // bit depth 1, grey, deflate, adaptive filter, no interlace
  // Each row: filter byte 0, then width/8 bytes of zero bits.
  const raw = Buffer.alloc(rows * (1 + Math.ceil(width / 8)));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
