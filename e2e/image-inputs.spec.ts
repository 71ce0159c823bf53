/**
 * Bad and odd picture files dropped into the built app the way a user drops them (reliability
 * cases 1, 2, 3, 7, 8 and 9). A refused file must say why in the input notice and leave the
 * picture, the trace and the question as they were; an odd but valid file must show the right
 * pixels, read from a screenshot at points computed from the stage transform. The last test (case
 * 14, a WebGPU with no adapter) is the only one that loads a model: the bundled tiny one, on WASM.
 */
import type { Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { test, expect } from './fixtures';
import { dropFile, openApp, runStatus, setMaxTokens, waitIdle, SLOW } from './playground/app';
import { boxOnPage, colourDistance, snapshot, type Rgb } from './playground/pixels';

const FIXTURES = resolve(import.meta.dirname, '../src/image-io/fixtures');

/** An RGBA PNG whose pixel (x, y) is `rgba(x, y)`. */
function png(width: number, height: number, rgba: (x: number, y: number) => number[]): Buffer {
  const img = new PNG({ width, height });
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) img.data.set(rgba(x, y), (y * width + x) * 4);
  return PNG.sync.write(img);
}

/** An ISO-BMFF box (HEIF containers are made of them). */
function box(type: string, payload: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(8 + payload.length, 0);
  head.write(type, 4, 'latin1');
  return Buffer.concat([head, payload]);
}

function heic(): Buffer {
  const ispe = Buffer.alloc(12);
  ispe.writeUInt32BE(4032, 4);
  ispe.writeUInt32BE(3024, 8);
  return Buffer.concat([
    box('ftyp', Buffer.from('heic\0\0\0\0mif1heic', 'latin1')),
    box('meta', box('ispe', ispe)),
  ]);
}

function truncatedJpeg(): Buffer {
  const side = 64;
  const data = Buffer.alloc(side * side * 4);
  for (let i = 0; i < side * side; i++) data.set([(i * 7) & 255, (i * 13) & 255, (i * 29) & 255, 255], i * 4);
  const full = jpeg.encode({ width: side, height: side, data }, 90).data;
  // Header and part of the scan: SOF gives a size, the EOI marker is gone.
  return Buffer.from(full.subarray(0, Math.floor(full.length * 0.6)));
}

const SVG_WITH_SCRIPT =
  '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" onload="alert(1)">' +
  '<script>alert(2)</script><image href="http://example.invalid/x.png" width="64" height="64"/></svg>';

interface Refused {
  what: string;
  file: { bytes: Buffer; name: string; type: string };
  code: string;
  says: RegExp;
}

const refused: Refused[] = [
  {
    what: 'a 1x20000 PNG (aspect over 200)',
    file: { bytes: png(1, 20000, (_x, y) => [y & 255, 0, 0, 255]), name: 'strip.png', type: 'image/png' },
    code: 'aspect_ratio',
    says: /1x20000, an aspect ratio over 200:1.*crop it/,
  },
  {
    what: 'a truncated JPEG',
    file: { bytes: truncatedJpeg(), name: 'cut.jpg', type: 'image/jpeg' },
    code: 'truncated',
    says: /JPEG file is cut short.*download or copy it again/,
  },
  {
    what: 'an SVG with a script and an external reference',
    file: { bytes: Buffer.from(SVG_WITH_SCRIPT), name: 'logo.svg', type: 'image/svg+xml' },
    code: 'unsupported_format',
    says: /SVG images are not supported: .*export it as PNG/,
  },
  {
    what: 'an SVG named .png',
    file: { bytes: Buffer.from(SVG_WITH_SCRIPT), name: 'logo.png', type: 'image/png' },
    code: 'unsupported_format',
    says: /SVG images are not supported/,
  },
  {
    what: 'a HEIC photo (Chromium has no HEIC decoder)',
    file: { bytes: heic(), name: 'IMG_0001.HEIC', type: 'image/heic' },
    code: 'undecodable',
    says: /could not decode the HEIC image: .*as JPEG/,
  },
];

/** The canvas's own pixels (the error notice is drawn over the stage, not into it). */
const canvasPixels = (page: Page) =>
  page
    .getByTestId('image-stage')
    .locator('canvas')
    .first()
    .evaluate((c: HTMLCanvasElement) => c.toDataURL());

test('bad picture files are refused with their reason; the picture, trace and question stay', async ({
  page,
}) => {
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  const outside: string[] = [];
  page.on('request', (r) => {
    if (!r.url().startsWith('http://127.0.0.1')) outside.push(r.url());
  });
  await openApp(page);
  const before = await canvasPixels(page);
  const steps = await page.getByTestId('timeline').locator('.step-card').count();
  expect(steps).toBeGreaterThan(0);
  const question = await page.getByTestId('question-input').inputValue();
  const error = page.getByTestId('input-error');

  for (const row of refused) {
    await test.step(row.what, async () => {
      await dropFile(page, {
        base64: row.file.bytes.toString('base64'),
        name: row.file.name,
        type: row.file.type,
      });
      await expect(error).toHaveAttribute('data-code', row.code);
      await expect(error).toContainText(row.says);
      console.log(`${row.what}: ${await error.innerText()}`);
      await expect(page.getByTestId('timeline').locator('.step-card')).toHaveCount(steps);
      await expect(page.getByTestId('question-input')).toHaveValue(question);
      expect(await canvasPixels(page), 'the canvas still shows the same picture').toBe(before);
    });
  }
  expect(dialogs, 'no script in the SVG ran').toEqual([]);
  expect(outside, 'the SVG reference was never fetched').toEqual([]);
});

interface Shown {
  what: string;
  file: { bytes: Buffer; name: string; type: string };
  width: number;
  height: number;
  /** The colour the user must see at image pixel (x, y), computed independently of the app. */
  expected: (x: number, y: number) => Rgb;
  /** Largest per-channel difference allowed (the stage smooths the upscaled picture). */
  tolerance: number;
}

const grey = JSON.parse(readFileSync(resolve(FIXTURES, 'grey-expected.json'), 'utf8')) as {
  width: number;
  height: number;
  grey: Record<string, number[]>;
};

const greyRows: Shown[] = Object.entries(grey.grey).map(([name, levels]) => ({
  what: `${name} (grey, decoded by Chromium)`,
  file: { bytes: readFileSync(resolve(FIXTURES, name)), name, type: 'image/png' },
  width: grey.width,
  height: grey.height,
  expected: (x, y) => {
    const v = levels[y * grey.width + x];
    return [v, v, v];
  },
  tolerance: 3,
}));

/** The same file decoded in Node by jpeg-js: an independent CMYK-to-RGB conversion. */
const cmykJpeg = readFileSync(resolve(FIXTURES, 'cmyk.jpg'));
const cmykInNode = jpeg.decode(cmykJpeg);

const halves = (x: number): Rgb => (x < 20 ? [220, 30, 30] : [30, 30, 220]);
/** Alpha over white: out = a * c + (1 - a) * 255, per channel. */
const overWhite = (c: Rgb, a: number): Rgb =>
  c.map((v) => Math.round((a * v + (255 - a) * 255) / 255)) as Rgb;

const shown: Shown[] = [
  {
    what: 'a 1x1 PNG',
    file: { bytes: png(1, 1, () => [30, 160, 90, 255]), name: 'dot.png', type: 'image/png' },
    width: 1,
    height: 1,
    expected: () => [30, 160, 90],
    tolerance: 1,
  },
  {
    what: 'a PNG named .jpg (the format comes from its bytes)',
    file: { bytes: png(40, 20, (x) => [...halves(x), 255]), name: 'photo.jpg', type: 'image/jpeg' },
    width: 40,
    height: 20,
    expected: halves,
    tolerance: 1,
  },
  ...greyRows,
  {
    // Made by make-cmyk-jpeg.mjs (sharp): no ICC profile, so both decoders use the plain CMYK
    // formula (the bands come out up to 91 levels more saturated than the sRGB asked for).
    what: 'a CMYK JPEG (Adobe APP14, no profile), as jpeg-js decodes it in Node',
    file: { bytes: cmykJpeg, name: 'print.jpg', type: 'image/jpeg' },
    width: cmykInNode.width,
    height: cmykInNode.height,
    expected: (x, y) => {
      const i = (y * cmykInNode.width + x) * 4;
      return [cmykInNode.data[i], cmykInNode.data[i + 1], cmykInNode.data[i + 2]];
    },
    tolerance: 2,
  },
  {
    // Left: opaque blue. Middle: black at alpha 128. Right: red at alpha 0 (a decoder that drops
    // alpha would show red there).
    what: 'a transparent PNG (composited on white)',
    file: {
      bytes: png(30, 10, (x) => (x < 10 ? [0, 0, 200, 255] : x < 20 ? [0, 0, 0, 128] : [255, 0, 0, 0])),
      name: 'alpha.png',
      type: 'image/png',
    },
    width: 30,
    height: 10,
    expected: (x) => (x < 10 ? [0, 0, 200] : x < 20 ? overWhite([0, 0, 0], 128) : [255, 255, 255]),
    tolerance: 2,
  },
];

test('odd but valid picture files are shown with the right pixels', async ({ page }) => {
  await openApp(page);
  const stage = page.getByTestId('image-stage').locator('canvas').first();
  for (const row of shown) {
    await test.step(row.what, async () => {
      await dropFile(page, {
        base64: row.file.bytes.toString('base64'),
        name: row.file.name,
        type: row.file.type,
      });
      await expect(page.getByTestId('input-error')).toHaveCount(0);
      // The new picture replaces the sample's trace: no step cards.
      await expect(page.getByTestId('timeline').locator('.step-card')).toHaveCount(0);
      // The stage is fitted to the new picture once its transform maps the whole picture inside.
      await expect
        .poll(async () => {
          const r = await boxOnPage(page, [0, 0, row.width, row.height]);
          return Math.round((r.width / r.height / (row.width / row.height)) * 100);
        })
        .toBe(100);
      const clip = (await stage.boundingBox())!;
      const shot = await snapshot(page, clip);
      const whole = await boxOnPage(page, [0, 0, row.width, row.height]);
      const px = whole.width / row.width;
      const wrong: string[] = [];
      let worst = 0;
      for (let y = 0; y < row.height; y++) {
        for (let x = 0; x < row.width; x++) {
          // The centre of image pixel (x, y) on the page.
          const seen = shot.at(whole.x + (x + 0.5) * px, whole.y + (y + 0.5) * px);
          const want = row.expected(x, y);
          worst = Math.max(worst, colourDistance(seen, want));
          if (colourDistance(seen, want) > row.tolerance) wrong.push(`(${x},${y}) ${seen} != ${want}`);
        }
      }
      console.log(`${row.what}: largest difference ${worst}`);
      expect(wrong, `${row.what}: pixels that differ`).toEqual([]);
    });
  }
});

test('a browser whose WebGPU offers no adapter: the model picker says why; the tiny model runs on WASM', async ({
  page,
}) => {
  // What a blocklisted driver looks like: navigator.gpu is there, requestAdapter() gives null.
  // (e2e/reliability-app.spec.ts covers a browser with no navigator.gpu at all.)
  await page.addInitScript(() => {
    const gpu = (navigator as unknown as { gpu?: { requestAdapter: () => Promise<null> } }).gpu;
    if (gpu) gpu.requestAdapter = async () => null;
  });
  await openApp(page);
  await page.getByTestId('model-picker').click();
  await expect(page.getByTestId('no-webgpu')).toContainText('WebGPU is present but offered no GPU adapter');
  const load = page.getByTestId('load-model-tiny-random');
  await expect(load).toBeEnabled();
  await load.click();
  await expect(load).toHaveText('Loaded', { timeout: SLOW });
  await page.getByTestId('model-picker').click();
  await expect(runStatus(page)).toHaveText('Ready');
  // The worker has a working navigator.gpu of its own: the load must still have asked for WASM.
  const backend = await page.evaluate(
    () =>
      (window as unknown as { __deepeyesModelPort: { loaded?: { path: { backend: string } } } })
        .__deepeyesModelPort.loaded?.path.backend,
  );
  expect(backend).toBe('wasm');
  await setMaxTokens(page, 2);
  await page.getByTestId('run-button').click();
  await waitIdle(page, SLOW);
  await expect(page.getByTestId('run-error')).toHaveCount(0);
  await expect(page.getByTestId('step-card-0')).toContainText('token budget reached');
});
