/**
 * Camera-sized photos opened the way a user opens them (reliability cases 4 and 32): a 100 MP JPEG
 * and a 200 MP portrait phone JPEG (EXIF orientation 6) through the "Open picture…" file chooser
 * are shown downscaled to the working cap (src/ui/input/plan.ts) with a notice, their pixels match
 * sharp's decode and downscale of the same file, no canvas or bitmap in the page ever held more than
 * the cap, and the JPEG decoder itself ran at the smallest k/8 scale covering it, never at full size.
 * The 100 MP photo again in a browser without WebCodecs' ImageDecoder takes the createImageBitmap
 * path. Two decompression bombs are refused before anything decodes them. The photos are made once
 * and cached (e2e/support/big-photos.ts).
 */
import type { Page } from '@playwright/test';
import sharp from 'sharp';
import { test, expect } from './fixtures';
import { openApp } from './playground/app';
import { boxOnPage, snapshot } from './playground/pixels';
import { blackPng, photoJpeg } from './support/big-photos';

/**
 * The working-size cap, MAX_WORKING_PIXELS in src/ui/input/plan.ts (not imported: that module
 * pulls in exifr, whose named exports Playwright's loader cannot read).
 */
const MAX_WORKING_PIXELS = 4096 * 4096;

/** The largest canvas, bitmap and decoded frame the page made, and how many decodes it asked for. */
interface Largest {
  canvas: number;
  canvasSize: string;
  bitmap: number;
  bitmapSize: string;
  frame: number;
  frameSize: string;
  /** ImageDecoder frames decoded. */
  frames: number;
  /** createImageBitmap calls and ImageDecoder frames. */
  decodes: number;
}

/**
 * Records the size of every canvas (on-screen and offscreen, on creation and on resize), every
 * ImageBitmap and every frame an ImageDecoder hands back, before the app's own code runs.
 * `withoutImageDecoder` takes WebCodecs' ImageDecoder away, as in a browser that lacks it.
 */
async function watchAllocations(page: Page, withoutImageDecoder = false): Promise<void> {
  await page.addInitScript((withoutImageDecoder) => {
    const seen = {
      canvas: 0,
      canvasSize: '',
      bitmap: 0,
      bitmapSize: '',
      frame: 0,
      frameSize: '',
      frames: 0,
      decodes: 0,
    };
    (window as unknown as { __largest: typeof seen }).__largest = seen;
    const note = (kind: 'canvas' | 'bitmap' | 'frame', w: number, h: number) => {
      if (w * h <= seen[kind]) return;
      seen[kind] = w * h;
      seen[`${kind}Size`] = `${w}x${h}`;
    };
    for (const proto of [HTMLCanvasElement.prototype, OffscreenCanvas.prototype]) {
      for (const side of ['width', 'height'] as const) {
        const d = Object.getOwnPropertyDescriptor(proto, side)!;
        Object.defineProperty(proto, side, {
          ...d,
          set(this: HTMLCanvasElement, v: number) {
            d.set!.call(this, v);
            note('canvas', this.width, this.height);
          },
        });
      }
    }
    window.OffscreenCanvas = new Proxy(OffscreenCanvas, {
      construct(target, args: [number, number], newTarget) {
        note('canvas', Number(args[0]), Number(args[1]));
        return Reflect.construct(target, args, newTarget) as object;
      },
    });
    const create = window.createImageBitmap.bind(window) as (...a: unknown[]) => Promise<ImageBitmap>;
    window.createImageBitmap = (async (...args: unknown[]) => {
      seen.decodes++;
      const bitmap = await create(...args);
      note('bitmap', bitmap.width, bitmap.height);
      return bitmap;
    }) as typeof window.createImageBitmap;
    if (withoutImageDecoder) {
      delete (window as { ImageDecoder?: unknown }).ImageDecoder;
    } else {
      const decode = ImageDecoder.prototype.decode;
      ImageDecoder.prototype.decode = async function (this: ImageDecoder, ...args) {
        seen.decodes++;
        seen.frames++;
        const result = await decode.apply(this, args);
        note('frame', result.image.codedWidth, result.image.codedHeight);
        return result;
      };
    }
  }, withoutImageDecoder);
}

const largest = (page: Page) =>
  page.evaluate(() => ({ ...(window as unknown as { __largest: Largest }).__largest }));

/** Picks `path` in the file chooser the "Open picture…" button opens. */
async function openPicture(page: Page, path: string): Promise<void> {
  const chooser = page.waitForEvent('filechooser');
  await page.getByTestId('open-image').click();
  await (await chooser).setFiles(path);
}

/** Mean RGB over a square of page pixels centred on (x, y). */
function pageMean(shot: Awaited<ReturnType<typeof snapshot>>, x: number, y: number, half: number) {
  const sum = [0, 0, 0];
  let n = 0;
  for (let dy = -half; dy <= half; dy++)
    for (let dx = -half; dx <= half; dx++) {
      const c = shot.at(x + dx, y + dy);
      for (let k = 0; k < 3; k++) sum[k] += c[k];
      n++;
    }
  return sum.map((v) => v / n);
}

/** Mean RGB of the reference over the image-pixel square [x - r, x + r] x [y - r, y + r]. */
function refMean(ref: { data: Buffer; width: number }, x: number, y: number, r: number) {
  const sum = [0, 0, 0];
  let n = 0;
  for (let py = Math.round(y - r); py <= Math.round(y + r); py++)
    for (let px = Math.round(x - r); px <= Math.round(x + r); px++) {
      const i = (py * ref.width + px) * 3;
      for (let k = 0; k < 3; k++) sum[k] += ref.data[i + k];
      n++;
    }
  return sum.map((v) => v / n);
}

/**
 * The size a JPEG decoder scaling by k/8 in its inverse DCT gives for the smallest k whose sides
 * (rounded up, as libjpeg does) cover `want`, in the stored orientation.
 */
function dctScaled(stored: [number, number], want: [number, number]): string {
  for (let k = 1; k <= 8; k++) {
    const [w, h] = stored.map((side) => Math.ceil((side * k) / 8));
    if (w >= want[0] && h >= want[1]) return `${w}x${h}`;
  }
  throw new Error('unreachable: k = 8 is the stored size');
}

interface Photo {
  what: string;
  /** As stored in the file. */
  width: number;
  height: number;
  orientation: number;
  withoutImageDecoder?: boolean;
}

const photos: Photo[] = [
  { what: 'a 100 MP photo (11547x8660, Fujifilm GFX100 size)', width: 11547, height: 8660, orientation: 1 },
  {
    what: 'a 200 MP portrait phone photo (16320x12240 stored, EXIF orientation 6)',
    width: 16320,
    height: 12240,
    orientation: 6,
  },
  {
    what: 'the 100 MP photo in a browser without WebCodecs ImageDecoder',
    width: 11547,
    height: 8660,
    orientation: 1,
    withoutImageDecoder: true,
  },
];

for (const photo of photos) {
  test(`${photo.what} opens downscaled to the working cap, with a notice, never at full size`, async ({
    page,
  }) => {
    const { path, bytes } = await photoJpeg(photo.width, photo.height, photo.orientation);
    console.log(`${photo.what}: ${(bytes / 1e6).toFixed(1)} MB`);
    await watchAllocations(page, photo.withoutImageDecoder);
    await openApp(page);
    const before = await largest(page);
    await openPicture(page, path);
    // Shown upright: orientations 5-8 turn the picture a quarter.
    const turned = photo.orientation >= 5;
    const [sw, sh] = turned ? [photo.height, photo.width] : [photo.width, photo.height];

    const notice = page.getByTestId('input-notice');
    await expect(notice).toContainText(`Large picture (${sw}x${sh}) downscaled to`);
    await expect(page.getByTestId('input-error')).toHaveCount(0);
    const [w, h] = /downscaled to (\d+)x(\d+)/
      .exec(await notice.innerText())!
      .slice(1)
      .map(Number);
    // The cap's size: the same aspect (within a pixel's rounding), as many pixels as the cap allows.
    expect(w * h).toBeLessThanOrEqual(MAX_WORKING_PIXELS);
    expect((w + 1) * (h + 1)).toBeGreaterThan(MAX_WORKING_PIXELS);
    expect(Math.abs(w / h - sw / sh)).toBeLessThan(1 / Math.min(w, h));

    // The stage fits a w x h picture: it fills the panel (less its 16 px padding) along one side.
    const stage = page.getByTestId('image-stage').locator('canvas').first();
    await expect
      .poll(async () => {
        const whole = await boxOnPage(page, [0, 0, w, h]);
        const panel = (await stage.boundingBox())!;
        return Math.round(Math.max(whole.width - (panel.width - 32), whole.height - (panel.height - 32)));
      })
      .toBe(0);

    const seen = await largest(page);
    console.log(
      `${photo.what}: largest canvas ${seen.canvasSize}, bitmap ${seen.bitmapSize}, decoded frame ${seen.frameSize || 'none'}`,
    );
    expect(seen.canvas, `no canvas over the cap (largest ${seen.canvasSize})`).toBeLessThanOrEqual(
      MAX_WORKING_PIXELS,
    );
    expect(seen.bitmap, `no bitmap over the cap (largest ${seen.bitmapSize})`).toBeLessThanOrEqual(
      MAX_WORKING_PIXELS,
    );

    if (photo.withoutImageDecoder) {
      expect(seen.frame, 'no ImageDecoder frame').toBe(0);
    } else {
      // The decoder ran once, at the smallest DCT scale that covers the shown size.
      expect(seen.frames - before.frames).toBe(1);
      expect(seen.frameSize).toBe(dctScaled([photo.width, photo.height], turned ? [h, w] : [w, h]));
    }

    // The reference: sharp (libvips) decodes, turns upright and downscales the same file in Node.
    const ref = await sharp(path)
      .autoOrient()
      .resize(w, h, { fit: 'fill', kernel: 'lanczos3' })
      .raw()
      .toBuffer({ resolveWithObject: true });
    expect(ref.info.channels).toBe(3);
    const whole = await boxOnPage(page, [0, 0, w, h]);
    const shot = await snapshot(page, (await stage.boundingBox())!);
    const scale = whole.width / w;
    // 9x9 page pixels around each point of a 7x5 grid, against the same area of the reference:
    // the mean over an area stands, where single pixels differ by the two resize filters' grain.
    // Within 5 levels per channel (2.9 at most seen; a picture flipped upside down is off by 109).
    const half = 4;
    let worst = 0;
    const wrong: string[] = [];
    for (let gy = 1; gy <= 5; gy++)
      for (let gx = 1; gx <= 7; gx++) {
        const [x, y] = [(gx * w) / 8, (gy * h) / 6];
        const seenRgb = pageMean(shot, whole.x + x * scale, whole.y + y * scale, half);
        const want = refMean({ data: ref.data, width: w }, x, y, (half + 0.5) / scale);
        const d = Math.max(...seenRgb.map((v, k) => Math.abs(v - want[k])));
        worst = Math.max(worst, d);
        if (d > 5)
          wrong.push(
            `(${x.toFixed(0)},${y.toFixed(0)}) ${seenRgb.map(Math.round)} != ${want.map(Math.round)}`,
          );
      }
    console.log(`${photo.what}: shown ${w}x${h}, largest area-mean difference ${worst.toFixed(2)}`);
    expect(wrong, 'areas whose colour differs from sharp’s downscale').toEqual([]);
  });
}

test('decompression bombs are refused from their header, before anything decodes them', async ({ page }) => {
  await watchAllocations(page);
  await openApp(page);
  const before = await largest(page);
  const error = page.getByTestId('input-error');
  const bombs = [
    {
      // Over the 200 MP limit whatever the file holds: one row of pixels follows the header.
      what: 'a PNG declaring 60000x60000 (3600 MP)',
      bytes: blackPng(60000, 60000, 1),
      says: /declares 60000x60000 pixels \(3600 MP\), over the 200 MP this page will decode/,
    },
    {
      // A complete, valid 168 MP picture (672 MB as RGBA) in a file of about 20 kB.
      what: 'a valid 1-bit PNG of 14000x12000 (168 MP) deflated to a few kB',
      bytes: blackPng(14000, 12000),
      says: /declares 14000x12000 pixels \(168 MP\) in a file of only \d+ bytes.*decompression bomb/,
    },
  ];
  for (const bomb of bombs) {
    await test.step(bomb.what, async () => {
      console.log(`${bomb.what}: ${bomb.bytes.length} bytes`);
      const chooser = page.waitForEvent('filechooser');
      await page.getByTestId('open-image').click();
      await (await chooser).setFiles({ name: 'bomb.png', mimeType: 'image/png', buffer: bomb.bytes });
      await expect(error).toHaveAttribute('data-code', 'too_many_pixels');
      await expect(error).toContainText(bomb.says);
      await expect(page.getByTestId('input-notice')).toHaveCount(0);
    });
  }
  const after = await largest(page);
  expect(after.decodes, 'createImageBitmap was never called for a bomb').toBe(before.decodes);
  expect(after.canvas).toBe(before.canvas);
});
