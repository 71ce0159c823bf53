/**
 * Exports for slides, from the bundled sample (no model, no GPU): the WebM video decodes (in Node
 * by mediabunny's demuxer, and in the page by a <video> element) with a frame per step or more and
 * the first zoom's box at the place computed from the layout; without WebCodecs the WebM button
 * saves the GIF and says so; the PNG strip carries each step's reasoning as readable text.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from '@playwright/test';
import { ALL_FORMATS, BufferSource, EncodedPacketSink, Input } from 'mediabunny';
import { PNG } from 'pngjs';
import { LADYBIRD, sampleCropBoxes } from '../src/app/samples/sample-trace';
import { stepColor } from '../src/ui/canvas/palette';
import { test, expect } from './fixtures';
import { openApp, SCREENSHOT_DIR } from './playground/app';
import { colourDistance, hexToRgb, type Rgb } from './playground/pixels';

async function download(page: Page, testId: string): Promise<{ name: string; bytes: Buffer }> {
  const [d] = await Promise.all([
    page.waitForEvent('download', { timeout: 90_000 }),
    page.getByTestId(testId).click(),
  ]);
  return { name: d.suggestedFilename(), bytes: readFileSync(await d.path()) };
}

/**
 * The RGBA pixels of the video at `t` seconds, decoded by a <video> element in `page` (a blank
 * page: the app's CSP rightly refuses media from blob: URLs, and the app never plays one).
 */
async function videoFrameAt(page: Page, bytes: Buffer, t: number) {
  const frame = await page.evaluate(
    async ({ b64, t }) => {
      const data = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const video = document.createElement('video');
      video.muted = true;
      video.src = URL.createObjectURL(new Blob([data], { type: 'video/webm' }));
      await new Promise((ok, fail) => {
        video.onloadeddata = ok;
        video.onerror = () => fail(new Error(`the video did not load: ${video.error?.message}`));
      });
      video.currentTime = t;
      await new Promise((ok) => (video.onseeked = ok));
      const c = document.createElement('canvas');
      c.width = video.videoWidth;
      c.height = video.videoHeight;
      const ctx = c.getContext('2d')!;
      ctx.drawImage(video, 0, 0);
      return { duration: video.duration, png: c.toDataURL('image/png') };
    },
    { b64: bytes.toString('base64'), t },
  );
  const png = PNG.sync.read(Buffer.from(frame.png.split(',')[1], 'base64'));
  return { duration: frame.duration, width: png.width, height: png.height, rgba: png.data };
}

/** Of `points`, how many have a pixel within `r` px whose colour is within 40 of `want`. */
function hits(
  img: { width: number; rgba: Uint8Array },
  points: [number, number][],
  want: Rgb,
  r = 3,
): number {
  let n = 0;
  for (const [x, y] of points) {
    let best = Infinity;
    for (let dy = -r; dy <= r; dy++)
      for (let dx = -r; dx <= r; dx++) {
        const k = ((Math.round(y) + dy) * img.width + Math.round(x) + dx) * 4;
        best = Math.min(best, colourDistance([img.rgba[k], img.rgba[k + 1], img.rgba[k + 2]], want));
      }
    if (best <= 40) n++;
  }
  return n;
}

test('export: a WebM for slides decodes at 1280x720, a frame per step or more, boxes appearing step by step', async ({
  page,
}) => {
  await openApp(page);
  const { name, bytes } = await download(page, 'export-webm');
  expect(name).toMatch(/\.webm$/);
  expect(bytes.subarray(0, 4)).toEqual(Buffer.from([0x1a, 0x45, 0xdf, 0xa3])); // EBML magic

  // Demuxed in Node: one video track, 1280x720, VP9 or VP8, at least one frame per step; the plan's
  // 2 s title + 3 s per step (4 steps) + 4 s answer = 18 s at 2 frames a second, so the last frame
  // starts at 17.5 s.
  const seconds = 2 + 3 * LADYBIRD.turns.length + 4;
  const input = new Input({ source: new BufferSource(new Uint8Array(bytes)), formats: ALL_FORMATS });
  const track = (await input.getPrimaryVideoTrack())!;
  expect([track.displayWidth, track.displayHeight]).toEqual([1280, 720]);
  expect(['vp9', 'vp8']).toContain(track.codec);
  expect(await input.computeDuration()).toBeCloseTo(seconds - 0.5, 3);
  let frames = 0;
  let keyFrames = 0;
  for await (const p of new EncodedPacketSink(track).packets()) {
    frames++;
    if (p.type === 'key') keyFrames++;
  }
  console.log(`webm: ${bytes.length} bytes, ${track.codec}, ${frames} frames, ${keyFrames} key frames`);
  expect(frames).toBeGreaterThanOrEqual(LADYBIRD.turns.length);
  // A key frame where each slide begins: title, the steps, answer.
  expect(keyFrames).toBeGreaterThanOrEqual(LADYBIRD.turns.length + 2);

  // Decoded in the page. The 2560x1600 photo fits the 600x540 picture area of the 960x540 board at
  // 600/2560, centred vertically, and the video draws the board at 1280/960: the first zoom
  // [1560, 640, 2040, 1040] has its left edge at x 1560*s*k, between y 640 and 1040.
  const s = 600 / 2560;
  const k = 1280 / 960;
  const top = (540 - 1600 * s) / 2;
  const edge: [number, number][] = [0.2, 0.35, 0.5, 0.65, 0.8].map((f) => [
    1560 * s * k,
    (top + (640 + f * 400) * s) * k,
  ]);
  const orange = hexToRgb(stepColor(0).fill);
  const blank = await page.context().newPage();
  const title = await videoFrameAt(blank, bytes, 1); // 0-2 s: the title, no box yet
  expect([title.width, title.height]).toEqual([1280, 720]);
  // What a player (and so a slide deck) takes as the length: the container's duration.
  expect(title.duration).toBeCloseTo(seconds, 1);
  expect(hits(title, edge, orange)).toBe(0);
  const step1 = await videoFrameAt(blank, bytes, 3.5); // 2-5 s: step 1, its box drawn
  const shot = new PNG({ width: step1.width, height: step1.height });
  shot.data.set(step1.rgba);
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  writeFileSync(resolve(SCREENSHOT_DIR, 'slides-webm-step1.png'), PNG.sync.write(shot));
  expect(hits(step1, edge, orange)).toBeGreaterThanOrEqual(4);
});

test('export: without WebCodecs the WebM button saves the GIF and says why', async ({ page }) => {
  await page.addInitScript(() => {
    delete (window as { VideoEncoder?: unknown }).VideoEncoder;
  });
  await openApp(page);
  const { name, bytes } = await download(page, 'export-webm');
  expect(name).toMatch(/\.gif$/);
  expect(bytes.subarray(0, 6).toString('latin1')).toBe('GIF89a');
  await expect(page.locator('body')).toContainText('cannot encode video');
});

test("export: the PNG strip carries each step's reasoning in readable type under its crop, and the answer's", async ({
  page,
}) => {
  await openApp(page);
  const { name, bytes } = await download(page, 'export-png');
  expect(name).toMatch(/\.png$/);
  const png = PNG.sync.read(bytes);
  console.log(`strip: ${png.width}x${png.height}, ${bytes.length} bytes`);
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  writeFileSync(resolve(SCREENSHOT_DIR, 'slides-strip.png'), bytes);
  // Margins 32, title band 96, panels 480 high, caption 8 + 64, six 28 px lines of reasoning, margin
  // 32. Across: the photo at 480 px high, each crop at 480 px high (24 px apart), then a 520 px
  // panel for the answer step, which has no crop.
  const crops = sampleCropBoxes(LADYBIRD).map(([x1, y1, x2, y2]) => ({ w: x2 - x1, h: y2 - y1 }));
  const photoW = Math.round((2560 * 480) / 1600);
  const cropW = crops.map((c) => Math.round(Math.min(480 / c.h, (480 * 2.2) / c.w) * c.w));
  expect(png.height).toBe(32 + 96 + 480 + 8 + 64 + 6 * 28 + 32);
  expect(png.width).toBe(32 + photoW + cropW.reduce((a, w) => a + 24 + w, 0) + 24 + 520 + 32);

  /** Rows in [y0, y1) of columns [x0, x1) holding dark ink (text on the white or grey ground). */
  const inkRows = (x0: number, x1: number, y0: number, y1: number): number[] => {
    const rows: number[] = [];
    for (let y = y0; y < y1; y++) {
      for (let x = x0; x < x1; x++) {
        const i = (y * png.width + x) * 4;
        if (png.data[i] + png.data[i + 1] + png.data[i + 2] < 3 * 110) {
          rows.push(y);
          break;
        }
      }
    }
    return rows;
  };
  // Under each crop, the first line of its reasoning: ink in the line's 28 px band, 14 to 28 px tall
  // (20 px type: readable on a slide), and several lines in all (each think runs past one line).
  const textTop = 32 + 96 + 480 + 8 + 64;
  let x = 32 + photoW + 24;
  for (const w of cropW) {
    const first = inkRows(x, x + w, textTop, textTop + 28);
    expect(first.length).toBeGreaterThanOrEqual(12);
    expect(first.length).toBeLessThanOrEqual(28);
    const all = inkRows(x, x + w, textTop, textTop + 6 * 28);
    expect(all.length).toBeGreaterThan(2 * 12);
    x += w + 24;
  }
  // The answer step's panel: its reasoning under the heading.
  expect(inkRows(x + 16, x + 520 - 16, 128 + 62, 128 + 62 + 4 * 28).length).toBeGreaterThan(3 * 12);
  // Between the lines of text the ground stays clear: the panel's lower half is empty (the answer's
  // think is short), so the ink above is text, not a filled box.
  expect(inkRows(x + 16, x + 520 - 16, 128 + 480, 128 + 700)).toEqual([]);
});
