/**
 * Reliability cases as the user meets them, through the built app in Chromium. This file runs
 * Chromium WITHOUT WebGPU: the no-WebGPU screen must lead to a run on the CPU (WASM), and the
 * mid-run cases run there too (one page, one model load, runs of 1-2 tokens).
 */
import type { Page } from '@playwright/test';
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { PNG } from 'pngjs';
import sharp from 'sharp';
import { writeTinyModel } from '../src/cli/build-tiny-model';
import { ZOOM_BOX, writeZoomBigramModel, zoomReplyTokens } from '../test/support/zoom-bigram-model';
import { test, expect } from './fixtures';
import { dropFile, loadModelByUrl, openApp, runStatus, setMaxTokens, waitIdle, SLOW } from './playground/app';
import { boxOnPage, colourDistance, snapshot } from './playground/pixels';

test.use({
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-features=WebGPU', '--disable-background-networking', '--no-first-run'],
  },
});
test.describe.configure({ mode: 'serial' });

const picture = (size: number, shade: number) => {
  const png = new PNG({ width: size, height: size });
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) png.data.set([x * 2, y * 2, shade, 255], (y * size + x) * 4);
  return PNG.sync.write(png).toString('base64');
};

/** The trace autosave kept (idb-keyval's default store), parsed, or null. */
async function autosaved(page: Page): Promise<{ question: string; image: { dataUrl: string } } | null> {
  return page.evaluate(
    () =>
      new Promise((resolve) => {
        const open = indexedDB.open('keyval-store');
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains('keyval')) return resolve(null);
          const get = db.transaction('keyval').objectStore('keyval').get('deepeyes:last-trace');
          get.onsuccess = () => resolve(typeof get.result === 'string' ? JSON.parse(get.result) : null);
          get.onerror = () => resolve(null);
        };
        open.onerror = () => resolve(null);
      }),
  );
}

let page: Page;

test.beforeAll(async ({ browser }) => {
  page = await browser.newPage();
  await openApp(page);
});
test.afterAll(async () => page.close());

test('no WebGPU: the screen says so and offers the tiny model on WASM; a run there works', async () => {
  await page.getByTestId('model-picker').click();
  await expect(page.getByTestId('no-webgpu')).toBeVisible();
  const load = page.getByTestId('load-model-tiny-random');
  await expect(load).toBeEnabled();
  await load.click();
  await expect(load).toHaveText('Loaded', { timeout: SLOW });
  await page.getByTestId('model-picker').click();
  await expect(runStatus(page)).toHaveText('Ready');

  await dropFile(page, { base64: picture(56, 128), name: 'grey.png', type: 'image/png' });
  // The sample's question goes with its trace once the picture is open.
  await expect(page.getByTestId('question-input')).toHaveValue('');
  await page.getByTestId('question-input').fill('what is this?');
  await setMaxTokens(page, 2);
  await page.getByTestId('run-button').click();
  await waitIdle(page, SLOW);
  await expect(page.getByTestId('run-error')).toHaveCount(0);
  await expect(page.getByTestId('step-card-0')).toBeVisible();
  // Autosave kept it, with the picture as JPEG (the worker's OffscreenCanvas encoder).
  await expect.poll(async () => (await autosaved(page))?.question).toBe('what is this?');
  expect((await autosaved(page))?.image.dataUrl).toMatch(/^data:image\/jpeg;base64,\/9j\//);
});

test('a picture dropped mid-run is refused with a notice; the run and its picture stay', async () => {
  // Long enough on WASM for the drop to land mid-run (random weights stop only at the budget).
  await setMaxTokens(page, 64);
  await page.getByTestId('run-button').click();
  await dropFile(page, { base64: picture(56, 10), name: 'other.png', type: 'image/png' });
  await expect(page.locator('[data-testid="run-notice"][data-code="busy-input"]')).toBeVisible();
  await waitIdle(page, SLOW);
  await expect(page.getByTestId('run-error')).toHaveCount(0);
  await expect.poll(async () => (await autosaved(page))?.question).toBe('what is this?');
  await expect(page.getByTestId('question-input')).toHaveValue('what is this?');
});

test('the model worker dies, and its fresh worker dies twice while loading the model again: recovery ends, a run works', async () => {
  const inRecovery = await page.evaluate(async () => {
    const client = (
      window as unknown as {
        __deepeyesModelPort: {
          workerClient: { simulateCrash(): void; whenRecovered(): Promise<void>; recovering?: Promise<void> };
        };
      }
    ).__deepeyesModelPort.workerClient;
    const pause = () => new Promise((r) => setTimeout(r, 150));
    const seen: boolean[] = [];
    client.simulateCrash(); // the loaded worker dies
    await pause(); // its error event started a recovery: a fresh worker is loading the model
    seen.push(client.recovering !== undefined);
    client.simulateCrash();
    await pause();
    seen.push(client.recovering !== undefined);
    client.simulateCrash();
    await client.whenRecovered();
    return seen;
  });
  // Both later crashes hit a worker that was loading the model again (a recovery in flight).
  expect(inRecovery).toEqual([true, true]);
  await expect(page.getByTestId('run-error')).toContainText('The model was loaded again');
  await expect(runStatus(page)).toHaveText('Ready');
  await setMaxTokens(page, 2);
  await page.getByTestId('run-button').click();
  await waitIdle(page, SLOW);
  await expect(page.getByTestId('run-error')).toHaveCount(0);
});

for (const [stage, session] of [
  ['the vision encoder', 'vision'],
  ['the prefill', 'decoder'],
] as const) {
  test(`Stop during ${stage} (a kernel that does not return): the run ends as stopped, the next run works`, async () => {
    await setMaxTokens(page, 2);
    // The worker answers once the session is entered, then holds its thread as a long kernel does.
    const stuck = page.evaluate(
      (name) =>
        (
          window as unknown as {
            __deepeyesModelPort: { workerClient: { simulateStuckKernel(s: string): Promise<void> } };
          }
        ).__deepeyesModelPort.workerClient.simulateStuckKernel(name),
      session,
    );
    await page.getByTestId('run-button').click();
    await stuck;
    await page.getByTestId('stop-button').click();
    await waitIdle(page, 30_000);
    await expect(page.getByTestId('run-error')).toHaveCount(0);
    // The run ends as stopped; it had written nothing yet, so it has no step.
    await expect(page.locator('.end-note--cancelled')).toHaveText('Stopped before the model answered.');
    await expect(page.getByTestId('step-card-0')).toHaveCount(0);
    // The worker was ended and a fresh one loads the model again; the next run waits for it.
    await page.getByTestId('run-button').click();
    await waitIdle(page, SLOW);
    await expect(page.getByTestId('run-error')).toHaveCount(0);
    await expect(page.getByTestId('step-card-0')).toContainText('token budget reached');
  });
}

/** An ISO-BMFF box (HEIF containers are made of them). */
function box(type: string, payload: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(8 + payload.length, 0);
  head.write(type, 4, 'latin1');
  return Buffer.concat([head, payload]);
}

test('a HEIC photo is refused in the browser with advice; the picture on screen stays', async () => {
  const ispe = Buffer.alloc(12);
  ispe.writeUInt32BE(4032, 4);
  ispe.writeUInt32BE(3024, 8);
  const heic = Buffer.concat([
    box('ftyp', Buffer.from('heic\0\0\0\0mif1heic', 'latin1')),
    box('meta', box('ispe', ispe)),
  ]);
  await dropFile(page, { base64: heic.toString('base64'), name: 'IMG_0001.HEIC', type: 'image/heic' });
  const error = page.getByTestId('input-error');
  await expect(error).toBeVisible();
  await expect(error).toContainText(/HEIC/i);
  await expect(page.getByTestId('question-input')).toHaveValue('what is this?');
});

test('an animated GIF opens on its first frame, with a notice saying so', async () => {
  // GIF89a, 3x2, two frames (each a graphic control extension and an image). Pixel data: LZW with
  // 3-bit codes, a clear code before every two pixels so the code size never grows.
  const codes = [4, 0, 0, 4, 0, 0, 4, 0, 0, 5];
  let bits = 0;
  let nbits = 0;
  const lzw: number[] = [];
  for (const c of codes) {
    bits |= c << nbits;
    nbits += 3;
    while (nbits >= 8) {
      lzw.push(bits & 255);
      bits >>= 8;
      nbits -= 8;
    }
  }
  if (nbits > 0) lzw.push(bits & 255);
  const head = [...Buffer.from('GIF89a'), 3, 0, 2, 0, 0x80, 0, 0, 0, 0, 0, 255, 255, 255];
  const frame = [0x21, 0xf9, 4, 0, 10, 0, 0, 0, 0x2c, 0, 0, 0, 0, 3, 0, 2, 0, 0, 2, lzw.length, ...lzw, 0];
  const gif = Buffer.from([...head, ...frame, ...frame, 0x3b]);
  await dropFile(page, { base64: gif.toString('base64'), name: 'blink.gif', type: 'image/gif' });
  await expect(page.getByTestId('input-notice')).toContainText('Animated GIF: using its first frame.');
  await expect(page.getByTestId('input-error')).toHaveCount(0);
});

/** PNG chunk: length, type, data, CRC over type and data. */
function chunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const head = Buffer.alloc(4);
  head.writeUInt32BE(data.length);
  const tail = Buffer.alloc(4);
  tail.writeUInt32BE(crc32(body));
  return Buffer.concat([head, body, tail]);
}

/**
 * Drops a two-frame `side`-pixel animation whose first frame is red and second blue: the notice
 * names it, and the canvas shows the first frame, never the second.
 */
async function opensOnFirstFrame(bytes: Buffer, name: string, type: string, kind: string, side: number) {
  await dropFile(page, { base64: bytes.toString('base64'), name, type });
  await expect(page.getByTestId('input-notice')).toContainText(`${kind}: using its first frame.`);
  await expect(page.getByTestId('input-error')).toHaveCount(0);
  const centre = await boxOnPage(page, [side / 2 - 2, side / 2 - 2, side / 2 + 2, side / 2 + 2]);
  const shot = await snapshot(page, centre);
  expect(colourDistance(shot.at(centre.x + 2, centre.y + 2), [230, 20, 20])).toBeLessThan(40);
}

test('an animated PNG opens on its first frame, with a notice saying so', async () => {
  // APNG, 64x64, two frames: the default image (frame 1) is red, frame 2 (fdAT) is blue.
  const side = 64;
  const rows = (rgb: number[]) => {
    const row = Buffer.concat([
      Buffer.from([0]),
      Buffer.from(Array.from({ length: side }, () => rgb).flat()),
    ]);
    return deflateSync(Buffer.concat(Array.from({ length: side }, () => row)));
  };
  const u32 = (...ns: number[]) => {
    const b = Buffer.alloc(4 * ns.length);
    ns.forEach((n, i) => b.writeUInt32BE(n, 4 * i));
    return b;
  };
  const ihdr = Buffer.concat([u32(side, side), Buffer.from([8, 2, 0, 0, 0])]);
  // fcTL: sequence, width, height, x, y, delay 1/10 s, dispose none, blend source.
  const fctl = (seq: number) => Buffer.concat([u32(seq, side, side, 0, 0), Buffer.from([0, 1, 0, 10, 0, 0])]);
  const apng = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('acTL', u32(2, 0)),
    chunk('fcTL', fctl(0)),
    chunk('IDAT', rows([230, 20, 20])),
    chunk('fcTL', fctl(1)),
    chunk('fdAT', Buffer.concat([u32(2), rows([20, 20, 230])])),
    chunk('IEND', Buffer.alloc(0)),
  ]);
  await opensOnFirstFrame(apng, 'blink.png', 'image/png', 'Animated PNG', side);
});

test('an animated WebP opens on its first frame, with a notice saying so', async () => {
  // Lossless animated WebP (VP8X with the animation flag, two ANMF frames) written by libwebp
  // through sharp: frame 1 red, frame 2 blue.
  const side = 64;
  const frame = (r: number, g: number, b: number) =>
    sharp({ create: { width: side, height: side, channels: 3, background: { r, g, b } } })
      .png()
      .toBuffer();
  const webp = await sharp([await frame(230, 20, 20), await frame(20, 20, 230)], { join: { animated: true } })
    .webp({ lossless: true, loop: 0, delay: [100, 100] })
    .toBuffer();
  expect((await sharp(webp, { pages: -1 }).metadata()).pages).toBe(2);
  await opensOnFirstFrame(webp, 'blink.webp', 'image/webp', 'Animated WebP', side);
});

test('Run double-clicked starts one run, and the second click does not stop it', async () => {
  await setMaxTokens(page, 2);
  await page.getByTestId('run-button').dblclick();
  await waitIdle(page, SLOW);
  await expect(page.getByTestId('run-error')).toHaveCount(0);
  // A second run would be refused as busy (an error) or add its own steps.
  await expect(page.getByTestId('step-card-0')).toBeVisible();
  await expect(page.getByTestId('step-card-1')).toHaveCount(0);
});

test('a model whose weights overflow fp16 gives NaN logits: the run says so, offers fp32 activations, and that run works', async () => {
  // The tiny model with its embedding scaled past fp16's range, built now and served by the
  // preview server (it serves dist/ as it is on disk).
  const dir = resolve(import.meta.dirname, '../dist/test-models/overflow');
  await writeTinyModel(dir, {
    dtypes: ['q4', 'q4f16'],
    modelId: 'tiny overflow (fp16 activations overflow)',
    scales: { 'model.embed_tokens.weight': 1e7 },
  });
  try {
    // On WASM the app picks q4 by itself; fp16 activations (q4f16, what a GPU with shader-f16
    // gets) are asked for here, through the page's model port.
    await loadModelByUrl(page, 'test-models/overflow/', 'wasm', 'q4f16');
    await expect(runStatus(page)).toHaveText('Ready');
    await setMaxTokens(page, 2);
    await page.getByTestId('run-button').click();
    await waitIdle(page, SLOW);
    const error = page.getByTestId('run-error');
    await expect(error).toHaveAttribute('data-code', 'invalid_logits');
    await expect(error).toContainText('NaN');
    await page.getByTestId('safer-path-button').click();
    await expect(page.locator('[data-testid="run-notice"][data-code="safer-path"]')).toContainText(
      'q4 (fp32 activations) on WASM (CPU)',
    );
    await expect(error).toHaveCount(0);
    await page.getByTestId('run-button').click();
    await waitIdle(page, SLOW);
    await expect(page.getByTestId('run-error')).toHaveCount(0);
    await expect(page.getByTestId('step-card-0')).toContainText('token budget reached');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/**
 * A finished step card. The live card carries the same test id, and for a frame after a turn
 * ends it can still show the previous turn's number (its fields follow the store frame by frame).
 */
const finishedCard = (index: number) => page.locator(`[data-testid="step-card-${index}"]:not([data-live])`);

/** "N tok · decode · prompt P" of a finished step card -> [N, P]. */
async function stepTokens(index: number): Promise<[number, number]> {
  const meta = await finishedCard(index).locator('.step-card__meta').innerText();
  const m = /(\d+) tok .* prompt (\d+)/.exec(meta);
  if (!m) throw new Error(`no token counts in "${meta}"`);
  return [Number(m[1]), Number(m[2])];
}

test('the worker dies mid-decode in step 2, after step 1 zoomed: "Rerun from step 2" keeps step 1, prefills once and completes the run', async () => {
  // A model of the tiny architecture whose greedy reply is one zoom call every turn
  // (test/support/zoom-bigram-model.ts), built now and served by the preview server.
  const dir = resolve(import.meta.dirname, '../dist/test-models/zoom-bigram');
  await writeZoomBigramModel(dir, ['q4']);
  try {
    await loadModelByUrl(page, 'test-models/zoom-bigram/', 'wasm', 'q4');
    await expect(runStatus(page)).toHaveText('Ready');
    await dropFile(page, { base64: picture(112, 200), name: 'zoom.png', type: 'image/png' });
    await expect(page.getByTestId('timeline').locator('.step-card')).toHaveCount(0);
    await page.getByTestId('question-input').fill('Where is the blue corner?');
    await page.getByTestId('settings-button').click();
    await page.getByTestId('setting-max-crops').fill('2');
    await page.getByTestId('settings-button').click();
    await setMaxTokens(page, 64);

    const modelBox = `model box[${ZOOM_BOX.join(', ')}]`;
    const t0 = Date.now();
    await page.getByTestId('run-button').click();
    // Step 1 finished with its zoom and step 2 is being written: then the worker dies.
    const step1 = finishedCard(0);
    await expect(step1).toHaveClass(/step-card--tool_call/, { timeout: SLOW });
    await expect(step1.locator('.tool-card__nums')).toContainText(modelBox);
    const live2 = page.locator('[data-testid="step-card-1"][data-live="true"] .step-card__meta');
    await expect(live2).toHaveText(/^[1-9]\d* tok$/, { timeout: SLOW });
    await page.evaluate(() =>
      (
        window as unknown as { __deepeyesModelPort: { workerClient: { simulateCrash(): void } } }
      ).__deepeyesModelPort.workerClient.simulateCrash(),
    );
    const error = page.getByTestId('run-error');
    await expect(error).toHaveAttribute('data-code', 'worker_crashed', { timeout: SLOW });
    await expect(error).toContainText('The model was loaded again');
    await expect(runStatus(page)).toHaveText('Ready');
    const lostAt = Date.now();
    const step1Meta = await step1.locator('.step-card__meta').innerText();
    const [g0, p0] = await stepTokens(0);
    expect(g0).toBe(zoomReplyTokens());
    // The completed zoom is kept; the step being written when the worker died is not.
    await expect(page.getByTestId('step-card-1')).toHaveCount(0);
    const resume = page.getByTestId('resume-button');
    await expect(resume).toHaveText('Rerun from step 2');

    await resume.click();
    await waitIdle(page, SLOW);
    await expect(error).toHaveCount(0);
    const resumedMs = Date.now() - lostAt;
    // Step 1 is the interrupted run's own (its decode time too), not decoded again.
    await expect(step1.locator('.step-card__meta')).toHaveText(step1Meta);
    const step2 = finishedCard(1);
    await expect(step2).toHaveClass(/step-card--tool_call/);
    await expect(step2.locator('.tool-card__nums')).toContainText(modelBox);
    const step3 = finishedCard(2);
    await expect(step3).toHaveClass(/step-card--budget/);
    await expect(step3).toContainText('crop budget of 2 reached');
    await expect(page.getByTestId('step-card-3')).toHaveCount(0);
    // One prefill of the whole conversation: step 1's prompt, its reply, and the same
    // tool-response chunk step 3 fed (after its turn's unfed last token) in an unbroken run.
    const [g1, p1] = await stepTokens(1);
    const [g2, p2] = await stepTokens(2);
    expect([g1, g2]).toEqual([zoomReplyTokens(), zoomReplyTokens()]);
    expect(p1).toBe(p0 + g0 + (p2 - 1));
    console.log(
      `zoom model on WASM: step 1 ${g0} tok, prompt ${p0}; worker killed ${((lostAt - t0) / 1000).toFixed(1)} s after Run (reload included); resumed run ${(resumedMs / 1000).toFixed(1)} s (one prefill of ${p1}, then ${p2})`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
