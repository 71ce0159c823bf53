/**
 * The playground with no model: importing a recorded trace and replaying it (boxes checked on
 * the canvas's real pixels), export and re-import, autosave across a reload, bad pictures, and
 * presentation mode. Each test has its own fresh page (and so its own empty IndexedDB).
 */
import { readFileSync } from 'node:fs';
import type { Download, Page } from '@playwright/test';
import { PNG } from 'pngjs';
import type { Trace } from '../src/agent/types';
import { LADYBIRD, TWO_WINGS } from '../src/app/samples/sample-trace';
import { stepColor } from '../src/ui/canvas/palette';
import { test, expect } from './fixtures';
import { dropFile, openApp, saveScreenshot, waitIdle } from './playground/app';
import { boxOnPage, colourDistance, hexToRgb, snapshot } from './playground/pixels';
import { sampleTraceFile } from './playground/sample-trace-file';

const ladybird = sampleTraceFile(LADYBIRD);

async function importTrace(page: Page, json: string, name = 'trace.json'): Promise<void> {
  await page.getByTestId('import-trace-input').setInputFiles({
    name,
    mimeType: 'application/json',
    buffer: Buffer.from(json),
  });
}

async function download(page: Page, testId: string): Promise<{ download: Download; bytes: Buffer }> {
  const [download] = await Promise.all([
    page.waitForEvent('download', { timeout: 30_000 }),
    page.getByTestId(testId).click(),
  ]);
  const path = await download.path();
  return { download, bytes: readFileSync(path) };
}

function zoomSteps(trace: Trace) {
  return trace.steps.flatMap((s) =>
    s.action.kind === 'tool_call' && s.action.call.bboxOriginal
      ? [{ index: s.index, box: s.action.call.bboxOriginal, crop: s.action.crop }]
      : [],
  );
}

/** Shows `trace` (by import) on top of another sample, so a stale view cannot pass for it. */
async function showImported(page: Page, trace: { trace: Trace; json: string }): Promise<void> {
  await openApp(page);
  await page.getByTestId('sample-two-wings').click();
  await expect(page.getByTestId('question-input')).toHaveValue(TWO_WINGS.question);
  await importTrace(page, trace.json, 'ladybird-trace.json');
  await expect(page.getByText('imported trace')).toBeVisible();
  await expect(page.getByTestId('question-input')).toHaveValue(trace.trace.question);
  await expect(page.getByTestId('timeline').locator('.step-card')).toHaveCount(trace.trace.steps.length);
}

test('an imported trace replays with no model: boxes on the canvas where the trace says, a selected step shows its crop', async ({
  page,
}) => {
  await showImported(page, ladybird);
  await expect(page.getByTestId('model-picker')).toContainText('none · replay only');
  const run = page.getByTestId('run-button');
  await expect(run).toHaveText('Replay');
  await run.click();
  await expect(page.getByTestId('run-status')).toHaveText('Replaying');
  await waitIdle(page, 60_000);
  await expect(page.getByTestId('answer-card')).toContainText(ladybird.trace.finalAnswer!);
  // Let the canvas settle on its final frame (Konva draws on the next animation frame).
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));

  const zooms = zoomSteps(ladybird.trace);
  expect(zooms.length).toBe(3);
  const stage = await page.getByTestId('image-stage').boundingBox();
  const shot = await snapshot(page, stage!);
  for (const z of zooms) {
    const want = hexToRgb(stepColor(z.index).fill);
    const r = await boxOnPage(page, z.box);
    const midX = r.x + r.width / 2;
    const midY = r.y + r.height / 2;
    // The label tag sits on the top edge; the other three edges are bare stroke.
    const edges = {
      left: shot.nearest(r.x, midY, want, 2),
      right: shot.nearest(r.x + r.width, midY, want, 2),
      bottom: shot.nearest(midX, r.y + r.height, want, 2),
    };
    for (const [edge, hit] of Object.entries(edges)) {
      expect(hit.distance, `step ${z.index + 1} ${edge} edge: ${hit.rgb} vs ${want}`).toBeLessThanOrEqual(40);
    }
    // Well inside and well outside the box, the photo shows: not the step's colour.
    const away = [
      shot.at(midX, midY),
      shot.at(r.x - 14, midY),
      shot.at(r.x + r.width + 14, midY),
      shot.at(midX, r.y + r.height + 14),
    ];
    for (const rgb of away)
      expect(colourDistance(rgb, want), `step ${z.index + 1} off-edge ${rgb}`).toBeGreaterThan(40);
  }
  await saveScreenshot(page, 'replay-boxes');

  // Selecting a zoom step (in the timeline) shows what the model was fed at that step.
  const first = zooms[0];
  await page.getByTestId(`step-card-${first.index}`).click();
  const preview = page.getByTestId('crop-preview');
  await expect(preview).toBeVisible();
  await expect(preview.locator('img')).toHaveAttribute('src', first.crop.dataUrl);
  await expect(preview).toContainText(`${first.crop.width}×${first.crop.height}`);
  await expect(preview).toContainText('red insect on the stem');
  // The preview is drawn in the step's colour.
  const border = await preview.evaluate((el) => getComputedStyle(el).borderTopColor);
  const [r, g, b] = hexToRgb(stepColor(first.index).fill);
  expect(border).toBe(`rgb(${r}, ${g}, ${b})`);
  await saveScreenshot(page, 'replay-boxes-crop');

  // Another step: another crop.
  const second = zooms[1];
  await page.getByTestId(`step-card-${second.index}`).click();
  await expect(preview.locator('img')).toHaveAttribute('src', second.crop.dataUrl);
});

test('export JSON then import it again: the same trace; JSONL and PNG download as their types', async ({
  page,
}) => {
  await showImported(page, ladybird);

  const json = await download(page, 'export-json');
  expect(json.download.suggestedFilename()).toMatch(/^deepeyes-.*\.json$/);
  const exported = JSON.parse(json.bytes.toString('utf8')) as Trace;
  expect(exported).toEqual(JSON.parse(ladybird.json));

  // Import what was exported over another sample, export once more: nothing drifts.
  await page.getByTestId('sample-two-wings').click();
  await expect(page.getByTestId('question-input')).toHaveValue(TWO_WINGS.question);
  await importTrace(page, json.bytes.toString('utf8'), json.download.suggestedFilename());
  await expect(page.getByTestId('question-input')).toHaveValue(LADYBIRD.question);
  const again = await download(page, 'export-json');
  expect(JSON.parse(again.bytes.toString('utf8'))).toEqual(exported);

  const jsonl = await download(page, 'export-jsonl');
  expect(jsonl.download.suggestedFilename()).toMatch(/\.jsonl$/);
  const lines = jsonl.bytes.toString('utf8').trim().split('\n');
  expect(lines.length).toBeGreaterThan(0);
  for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
  expect(jsonl.bytes.toString('utf8')).toContain('red insect on the stem');

  const png = await download(page, 'export-png');
  expect(png.download.suggestedFilename()).toMatch(/\.png$/);
  const strip = PNG.sync.read(png.bytes);
  expect(strip.width).toBeGreaterThan(200);
  expect(strip.height).toBeGreaterThan(100);
});

test('a reload brings back the last trace from IndexedDB', async ({ page }) => {
  const wings = sampleTraceFile(TWO_WINGS);
  await openApp(page);
  await importTrace(page, wings.json, 'two-wings.json');
  await expect(page.getByTestId('question-input')).toHaveValue(TWO_WINGS.question);
  // Autosave writes after the state change; wait for it to land before reloading.
  await expect
    .poll(() =>
      page.evaluate(
        () =>
          new Promise<string | null>((resolve) => {
            const open = indexedDB.open('keyval-store');
            open.onsuccess = () => {
              const db = open.result;
              if (!db.objectStoreNames.contains('keyval')) return resolve(null);
              const get = db.transaction('keyval').objectStore('keyval').get('deepeyes:last-trace');
              get.onsuccess = () =>
                resolve(typeof get.result === 'string' ? (JSON.parse(get.result) as Trace).id : null);
              get.onerror = () => resolve(null);
            };
            open.onerror = () => resolve(null);
          }),
      ),
    )
    .toBe(wings.trace.id);

  await page.reload();
  await expect(page.getByText('restored from last visit')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('question-input')).toHaveValue(TWO_WINGS.question);
  await expect(page.getByTestId('timeline').locator('.step-card')).toHaveCount(wings.trace.steps.length);
  await expect(page.getByTestId('answer-card')).toContainText(wings.trace.finalAnswer!);
});

test('a zero-byte file and a truncated PNG are refused with a clear message; the picture and trace stay', async ({
  page,
}) => {
  await openApp(page);
  // The canvas's own pixels (the error notice is drawn over the stage, not into it).
  const canvasPixels = () =>
    page
      .getByTestId('image-stage')
      .locator('canvas')
      .first()
      .evaluate((c: HTMLCanvasElement) => c.toDataURL());
  const before = await canvasPixels();
  const steps = await page.getByTestId('timeline').locator('.step-card').count();
  const question = await page.getByTestId('question-input').inputValue();

  await dropFile(page, { base64: '', name: 'empty.png', type: 'image/png' });
  const error = page.getByTestId('input-error');
  await expect(error).toBeVisible();
  await expect(error).toContainText(/empty|0 bytes|zero/i);
  console.log(`zero-byte file: ${await error.innerText()}`);

  // A real PNG cut after its first 300 bytes (header intact, pixel data gone).
  const full = PNG.sync.write(
    Object.assign(new PNG({ width: 64, height: 64 }), { data: Buffer.alloc(64 * 64 * 4, 200) }),
  );
  const truncated = full.subarray(0, Math.min(300, full.length - 20));
  await page.getByTestId('image-file-input').setInputFiles({
    name: 'cut.png',
    mimeType: 'image/png',
    buffer: Buffer.from(truncated),
  });
  await expect(error).toContainText(/truncat|damaged|incomplete|cut short|could not (be )?decode/i);
  console.log(`truncated PNG: ${await error.innerText()}`);

  await expect(page.getByTestId('timeline').locator('.step-card')).toHaveCount(steps);
  await expect(page.getByTestId('question-input')).toHaveValue(question);
  expect(await canvasPixels(), 'the canvas still shows the same picture').toBe(before);
});

test('presentation mode: larger type, the same run on screen', async ({ page }) => {
  await openApp(page);
  const fontSize = () =>
    page.getByTestId('question-input').evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
  const normal = await fontSize();
  await page.getByTestId('step-card-1').click();
  await expect(page.getByTestId('crop-preview')).toBeVisible();
  await page.getByTestId('presentation-toggle').click();
  await expect(page.locator('html')).toHaveClass(/presentation/);
  expect(await fontSize()).toBeGreaterThan(normal);
  await expect(page.getByTestId('crop-preview')).toBeVisible();
  // Bigger type moves every card: the selected one is brought back into view.
  await expect(page.getByTestId('step-card-1')).toBeInViewport({ ratio: 0.3 });
  await saveScreenshot(page, 'presentation-mode');
});
