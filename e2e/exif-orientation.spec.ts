/**
 * Reliability case 6: all eight EXIF orientations. The browser path (createImageBitmap with
 * imageOrientation 'from-image', what the playground uses) and the Node path (decodeImageFile:
 * jpeg-js + applyOrientation, what the CLIs use) must give the same picture, so boxes land on the
 * same pixels everywhere. The test image has four flat-coloured quadrants, so JPEG's small
 * differences between decoders cannot blur the answer.
 */
import jpeg from 'jpeg-js';
import { test, expect } from './fixtures';
import { decodeImageFile } from '../src/image-io/node-image';

const W = 64;
const H = 32;
const COLORS = [
  [230, 30, 30], // top-left: red
  [30, 200, 30], // top-right: green
  [30, 30, 230], // bottom-left: blue
  [240, 220, 40], // bottom-right: yellow
];

function quadrantImage(): Uint8Array {
  const rgba = new Uint8Array(W * H * 4);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const c = COLORS[(y < H / 2 ? 0 : 2) + (x < W / 2 ? 0 : 1)];
      rgba.set([...c, 255], (y * W + x) * 4);
    }
  return rgba;
}

/** A JPEG with an APP1 Exif segment holding only the Orientation tag (0x0112). */
function jpegWithOrientation(orientation: number): Uint8Array {
  const base = jpeg.encode({ data: quadrantImage(), width: W, height: H }, 95).data;
  const tiff = [
    0x4d,
    0x4d,
    0x00,
    0x2a,
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
  const body = [0x45, 0x78, 0x69, 0x66, 0, 0, ...tiff];
  const app1 = [0xff, 0xe1, (body.length + 2) >> 8, (body.length + 2) & 0xff, ...body];
  return Uint8Array.from([0xff, 0xd8, ...app1, ...base.subarray(2)]);
}

/** Colour at the centre of each quadrant of an RGB(A) image, as [TL, TR, BL, BR]. */
function quadrantColors(data: ArrayLike<number>, w: number, h: number, channels: number): number[][] {
  return [
    [w / 4, h / 4],
    [(3 * w) / 4, h / 4],
    [w / 4, (3 * h) / 4],
    [(3 * w) / 4, (3 * h) / 4],
  ].map(([x, y]) => {
    const i = (Math.floor(y) * w + Math.floor(x)) * channels;
    return [data[i], data[i + 1], data[i + 2]];
  });
}

test('all eight EXIF orientations decode the same in Chromium and in Node', async ({ page }) => {
  await page.goto('diagnostics.html?noop');
  for (let o = 1; o <= 8; o++) {
    const bytes = jpegWithOrientation(o);
    const node = await decodeImageFile(bytes);
    const browser = await page.evaluate(async (arr: number[]) => {
      const bitmap = await createImageBitmap(new Blob([new Uint8Array(arr)], { type: 'image/jpeg' }), {
        imageOrientation: 'from-image',
      });
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      const ctx = canvas.getContext('2d')!;
      ctx.drawImage(bitmap, 0, 0);
      const img = ctx.getImageData(0, 0, bitmap.width, bitmap.height);
      return { width: bitmap.width, height: bitmap.height, data: Array.from(img.data) };
    }, Array.from(bytes));
    expect([browser.width, browser.height], `orientation ${o} size`).toEqual([node.width, node.height]);
    const b = quadrantColors(browser.data, browser.width, browser.height, 4);
    const n = quadrantColors(node.data, node.width, node.height, 3);
    for (let q = 0; q < 4; q++) {
      for (let c = 0; c < 3; c++) {
        expect(Math.abs(b[q][c] - n[q][c]), `orientation ${o} quadrant ${q} channel ${c}`).toBeLessThan(24);
      }
    }
    // And the orientation really moved things: the red quadrant is where EXIF says it goes.
    const redAt = n.findIndex((px) => px[0] > 180 && px[1] < 90 && px[2] < 90);
    const expectedRed = [0, 1, 3, 2, 0, 1, 3, 2][o - 1];
    expect(redAt, `orientation ${o}: red quadrant`).toBe(expectedRed);
  }
});
