/**
 * A real out-of-memory at load, through the built app in Chromium with WebGPU (reliability cases
 * 16 and 31). SwiftShader cannot report a GPUOutOfMemoryError: it takes device memory with
 * malloc, which Chromium turns into a crash of the GPU process when it fails (exit code 5), so
 * WebGPU sees a lost device, never an allocation error. What can fail for real, and gracefully, is
 * the page's own memory: the test holds the page's renderer processes to 200 MiB of private
 * memory (RLIMIT_DATA, set with prlimit) more than they use with the tiny model loaded, and opens
 * a 0.45 GiB fp32-only model's folder. The worker cannot allocate the model file's buffer; the user
 * meets the typed error, and the tiny model still loads and runs under the same limit.
 */
import type { Browser, Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { PNG } from 'pngjs';
import { writeTinyModel } from '../src/cli/build-tiny-model';
import { test, expect } from './fixtures';
import { dropFile, loadTinyModel, openApp, setMaxTokens, waitIdle, SLOW } from './playground/app';
import { boxOnPage, colourDistance, snapshot } from './playground/pixels';

test.describe.configure({ mode: 'serial' });

const MODEL_DIR = resolve(import.meta.dirname, '../dist/test-models/oom-fp32');
/**
 * Less than half the 441 MiB file: the renderer's private memory when the limit is set includes
 * garbage collected later, so the room the load finds is the margin plus up to that much. With
 * 400 MiB the read sometimes fitted, the process then sat at its limit, and an allocation of the
 * page itself failed: the page crashed, or lost the question (3 of 5 runs on the loaded 2-core
 * machine). The tiny model loads and runs in 200 MiB.
 */
const MARGIN = 200 * 2 ** 20;
const RED: [number, number, number] = [200, 40, 40];

function solid(size: number): string {
  const png = new PNG({ width: size, height: size });
  for (let i = 0; i < size * size; i++) png.data.set([...RED, 255], i * 4);
  return PNG.sync.write(png).toString('base64');
}

/** Holds each renderer of `browser` to its private memory now plus `margin` bytes; returns the limits. */
async function limitRenderers(browser: Browser, margin: number): Promise<number[]> {
  const cdp = await browser.newBrowserCDPSession();
  const { processInfo } = (await cdp.send('SystemInfo.getProcessInfo')) as {
    processInfo: { type: string; id: number }[];
  };
  await cdp.detach();
  const limits: number[] = [];
  for (const { type, id } of processInfo) {
    if (type !== 'renderer') continue;
    const data = Number(/VmData:\s+(\d+) kB/.exec(readFileSync(`/proc/${id}/status`, 'utf8'))?.[1]) * 1024;
    execFileSync('prlimit', ['--pid', String(id), `--data=${data + margin}`]);
    limits.push(data + margin);
  }
  return limits;
}

let page: Page;

test.beforeAll(async ({ browser }) => {
  // The decoder's MLP made 4096 times wider than the tiny model's: 441 MiB in one external-data
  // file, 0.45 GiB in all; converted to fp32 only, so no smaller variant of it exists.
  await writeTinyModel(MODEL_DIR, {
    dtypes: ['fp32'],
    modelId: 'tiny, too wide for the memory left',
    sizes: { intermediate_size: 128 * 2048 },
  });
  page = await browser.newPage();
  await openApp(page);
});
test.afterAll(async () => {
  await page?.close();
  rmSync(MODEL_DIR, { recursive: true, force: true });
});

test('out of memory loading a model: the typed error names its needs, no smaller variant is made up, the picture and question stay, the tiny model then loads and runs', async ({
  browser,
}) => {
  await loadTinyModel(page);
  await dropFile(page, { base64: solid(56), name: 'red.png', type: 'image/png' });
  await page.getByTestId('question-input').fill('what colour is this?');
  // The drop returns before the picture is decoded and drawn (and laid out at its own size).
  let centre = await boxOnPage(page, [24, 24, 32, 32]);
  await expect
    .poll(async () => {
      centre = await boxOnPage(page, [24, 24, 32, 32]);
      return colourDistance((await snapshot(page, centre)).at(centre.x + 4, centre.y + 4), RED);
    })
    .toBeLessThan(40);

  expect((await limitRenderers(browser, MARGIN)).length).toBeGreaterThan(0);
  // Opened from a folder on disk ("Open a local folder…"): the load's one big allocation is the
  // file's buffer. Loaded by URL, the same test also downloaded the file under the limit, and the
  // page crashed in 1 of 8 runs (an allocation of the renderer's own, which ends the page, failed
  // before the file's buffer did; where was not found).
  await page.getByTestId('model-picker').click();
  await page.getByTestId('model-folder').setInputFiles(MODEL_DIR);

  const error = page.getByTestId('run-error');
  await expect(error).toHaveAttribute('data-code', 'out_of_memory', { timeout: SLOW });
  const manifest = JSON.parse(readFileSync(resolve(MODEL_DIR, 'deepeyes-manifest.json'), 'utf8')) as {
    variants: { fp32: { total_bytes: number } };
  };
  const needs = `fp32 variant (${(manifest.variants.fp32.total_bytes / 2 ** 30).toFixed(2)} GiB of weights`;
  await expect(error).toContainText(needs);
  const advice = page.getByTestId('run-error-advice');
  await expect(advice).toContainText('is the smallest variant this model offers');
  await expect(advice).not.toContainText('q4');
  // Which allocation failed, as the user read it.
  console.log(`[${await error.getAttribute('data-code')}] ${await error.innerText()}`);

  // Nothing lost: the question and the picture are as they were.
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('question-input')).toHaveValue('what colour is this?');
  expect(colourDistance((await snapshot(page, centre)).at(centre.x + 4, centre.y + 4), RED)).toBeLessThan(40);

  // A smaller model loads and runs under the same limit.
  await loadTinyModel(page);
  await setMaxTokens(page, 1);
  await page.getByTestId('run-button').click();
  await waitIdle(page, SLOW);
  await expect(page.getByTestId('run-error')).toHaveCount(0);
  await expect(page.getByTestId('step-card-0')).toContainText('token budget reached');
});
