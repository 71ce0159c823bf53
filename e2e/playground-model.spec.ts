/**
 * The playground with a real model: the bundled random-weights model on (software) WebGPU in its
 * worker. One page and one model load serve the whole file. On SwiftShader every forward pass
 * costs seconds (the 151936-wide lm_head), so runs are kept to a few tokens; random weights never
 * call a tool, so every run ends by the per-turn token budget.
 */
import type { Page } from '@playwright/test';
import { PNG } from 'pngjs';
import { test, expect } from './fixtures';
import {
  dropFile,
  gpuMemory,
  liveTokens,
  loadTinyModel,
  openApp,
  runStatus,
  saveScreenshot,
  setMaxTokens,
  waitForLiveTokens,
  waitIdle,
  SLOW,
} from './playground/app';
import { watchConsole, type ConsoleWatch } from './playground/console-watch';

/** A small picture (16 image tokens) keeps the prefill of the follow-up runs short. */
const SMALL_PICTURE = (() => {
  const size = 112;
  const png = new PNG({ width: size, height: size });
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) png.data.set([x * 2, y * 2, 128, 255], (y * size + x) * 4);
  return PNG.sync.write(png).toString('base64');
})();

let page: Page;
let consoleWatch: ConsoleWatch;

async function runToEnd(tokens: number): Promise<void> {
  await setMaxTokens(page, tokens);
  await page.getByTestId('run-button').click();
  await waitIdle(page, SLOW);
  await expect(page.getByTestId('run-error')).toHaveCount(0);
  const card = page.getByTestId('step-card-0');
  await expect(card).toHaveClass(/step-card--budget/);
  await expect(card).toContainText('token budget reached');
}

test.describe.serial('playground with the tiny model', () => {
  test.beforeAll(async ({ browser }, info) => {
    const { baseURL, viewport } = info.project.use;
    page = await browser.newPage({ baseURL, viewport });
    consoleWatch = watchConsole(page);
    await openApp(page);
  });

  test.afterEach(() => {
    expect(consoleWatch.take(), 'console errors on the shared page').toEqual([]);
  });

  test.afterAll(async () => {
    await page?.close();
  });

  test('drop a picture, load the model, run: tokens stream, the run ends by its budget', async () => {
    // The sample photo, shrunk to 224 px wide in the page (40 image tokens instead of 260: on
    // SwiftShader the vision encoder and prefill of the full-size one take most of a minute).
    await dropFile(page, {
      url: 'samples/raindrops.jpg',
      name: 'raindrops.jpg',
      type: 'image/jpeg',
      shrinkTo: 224,
    });
    // The sample's question belonged to the sample: a dropped picture starts a fresh question.
    await expect(page.getByTestId('question-input')).toHaveValue('');
    await expect(page.getByTestId('timeline').locator('.step-card')).toHaveCount(0);

    await loadTinyModel(page, () => saveScreenshot(page, 'model-picker').then(() => undefined));
    const tokens = 3;
    await setMaxTokens(page, tokens);
    await page.getByTestId('question-input').fill('How many water drops are on the leaf?');

    // Sample the live card and the status pill from inside the page, every frame of the run.
    await page.evaluate(() => {
      const w = window as unknown as { __samples: { status: string; len: number; tok: number }[] };
      w.__samples = [];
      const tick = () => {
        const card = document.querySelector('[data-live="true"]');
        const head = card?.querySelector('.step-card__head');
        const len = card ? (card.textContent ?? '').length - (head?.textContent ?? '').length : -1;
        const tok = Number(/(\d+) tok/.exec(head?.textContent ?? '')?.[1] ?? -1);
        const status =
          document.querySelector('[data-testid="run-status"]')?.getAttribute('data-status') ?? '';
        w.__samples.push({ status, len, tok });
        if (status !== 'idle' || w.__samples.length < 5) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
    await page.getByTestId('run-button').click();
    await expect(runStatus(page)).toHaveAttribute('data-status', 'running', { timeout: SLOW });
    await waitForLiveTokens(page, 1);
    await saveScreenshot(page, 'run-streaming');
    await waitIdle(page);
    await expect(runStatus(page)).toHaveText('Ready');

    const samples = await page.evaluate(
      () => (window as unknown as { __samples: { status: string; len: number; tok: number }[] }).__samples,
    );
    const live = samples.filter((s) => s.status === 'running' && s.tok >= 0);
    console.log(
      `live card while running (tokens:chars): ${[...new Set(live.map((s) => `${s.tok}:${s.len}`))].join(' ')}`,
    );
    // The card grew token by token while the pill said running: streamed, not dumped at the end.
    expect(new Set(live.map((s) => s.tok).filter((t) => t > 0)).size).toBeGreaterThanOrEqual(2);
    expect(live.map((s) => s.tok)).toEqual(live.map((s) => s.tok).sort((a, b) => a - b));
    expect(live.map((s) => s.len)).toEqual(live.map((s) => s.len).sort((a, b) => a - b));

    const card = page.getByTestId('step-card-0');
    await expect(card).toHaveClass(/step-card--budget/);
    await expect(card).toContainText('token budget reached');
    await expect(card).toContainText(`${tokens} tok`);
    await expect(page.getByTestId('timeline')).toContainText('Ended by a limit');

    const status = page.getByTestId('status-bar');
    await expect(status).toContainText('Tiny test model (random weights) (webgpu)');
    await expect(status).toContainText(/TTFT \d+(\.\d+)? (ms|s)/);
    await expect(status).toContainText(/Prefill \d+ tok\/s/);
    await expect(status).toContainText(/Decode \d+(\.\d+)? tok\/s/);
    const decode = Number(/Decode ([\d.]+)/.exec(await status.innerText())?.[1]);
    expect(decode, 'a decode rate, not 0 from rounding').toBeGreaterThan(0);
    await expect(status).toContainText(`Generated ${tokens} tok`);
    console.log(`status bar: ${await status.innerText()}`.replace(/\n/g, ' · '));
    console.log(`step card: ${await card.locator('.step-card__meta').innerText()}`);
  });

  test('Stop mid-run: cancelled within seconds, the partial step kept, the next run works', async () => {
    await dropFile(page, { base64: SMALL_PICTURE, name: 'gradient.png', type: 'image/png' });
    await page.getByTestId('question-input').fill('What is in the corner?');
    await setMaxTokens(page, 2048);
    await page.getByTestId('run-button').click();
    // Some text streamed (a token can be half a character, so wait for text, not just a count).
    await expect(page.locator('[data-live="true"] .think')).toHaveCount(1, { timeout: SLOW });
    await waitForLiveTokens(page, 1);
    const streamed = await liveTokens(page);
    const streamedText = await page.locator('[data-live="true"] .think').textContent();

    const stopAt = Date.now();
    await page.getByTestId('stop-button').click();
    await waitIdle(page, 10_000);
    const stopMs = Date.now() - stopAt;
    console.log(`stopped after ${streamed}+ tokens; idle ${stopMs} ms after Stop`);
    expect(stopMs).toBeLessThan(5_000);

    const card = page.getByTestId('step-card-0');
    await expect(card).toContainText('stopped by the user');
    await expect(page.getByTestId('timeline')).toContainText('Stopped before the model answered.');
    await expect(page.getByTestId('run-error')).toHaveCount(0);
    // The text written before Stop is still there (it only grew until the stop landed).
    const kept = await card.locator('.think').textContent();
    expect(kept?.startsWith(streamedText ?? '<none>'), `kept "${kept}" vs streamed "${streamedText}"`).toBe(
      true,
    );

    // The worker may be reloading the model after a hard stop: Run must wait for it, not fail.
    await runToEnd(1);
  });

  test('long tasks on the main thread during a run are counted', async () => {
    await page.evaluate(() => {
      const w = window as unknown as {
        __longtasks: { start: number; duration: number }[];
        __ltObserver: PerformanceObserver;
      };
      w.__longtasks = [];
      w.__ltObserver = new PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.__longtasks.push({ start: e.startTime, duration: e.duration });
      });
      w.__ltObserver.observe({ type: 'longtask' });
    });
    const runStart = await page.evaluate(() => performance.now());
    await runToEnd(1);
    const runEnd = await page.evaluate(() => performance.now());
    // A known 150 ms task proves the observer is live (a quiet run may rightly report none). It is
    // queued as an ordinary task: DevTools' own evaluate does not count as one.
    await page.evaluate(() => {
      setTimeout(() => {
        const until = performance.now() + 150;
        while (performance.now() < until) {
          /* busy */
        }
      }, 0);
    });
    await expect
      .poll(() =>
        page.evaluate(
          (after) =>
            (window as unknown as { __longtasks: { start: number; duration: number }[] }).__longtasks.some(
              (t) => t.start >= after && t.duration >= 140,
            ),
          runEnd,
        ),
      )
      .toBe(true);
    const during = await page.evaluate(
      ([from, to]) =>
        (window as unknown as { __longtasks: { start: number; duration: number }[] }).__longtasks.filter(
          (t) => t.start >= from && t.start <= to,
        ),
      [runStart, runEnd],
    );
    const longest = during.reduce((m, t) => Math.max(m, t.duration), 0);
    console.log(
      `long tasks during a ${((runEnd - runStart) / 1000).toFixed(1)} s run: ${during.length}, longest ${longest.toFixed(0)} ms`,
    );
    await page.evaluate(() =>
      (window as unknown as { __ltObserver: PerformanceObserver }).__ltObserver.disconnect(),
    );
  });

  test('GPU device lost mid-run: onnxruntime ran on the lost device, a clear message, the model reloaded on a fresh one, a run works', async () => {
    // onnxruntime's buffers are on the worker's device (the one the hook destroys), not on one
    // it opened for itself: 0 here meant the loss hook and the loss watch missed the model.
    const before = await gpuMemory(page);
    expect(before?.buffers, 'GPU buffers on the worker device after load').toBeGreaterThan(0);

    await setMaxTokens(page, 2048);
    await page.getByTestId('run-button').click();
    await waitForLiveTokens(page, 1);
    await page.evaluate(async () => {
      const port = (
        window as unknown as {
          __deepeyesModelPort: { workerClient: { simulateDeviceLoss(): Promise<void> } };
        }
      ).__deepeyesModelPort;
      await port.workerClient.simulateDeviceLoss();
    });
    const error = page.getByTestId('run-error');
    await expect(error).toBeVisible({ timeout: SLOW });
    await expect(error).toHaveAttribute('data-code', 'device_lost');
    await expect(error).toContainText(/GPU device was lost/i);
    await expect(error).toContainText(/model was loaded again/i);
    console.log(`device-loss message: ${(await error.innerText()).replace(/\n/g, ' · ')}`);
    // Random weights never call a tool, so no turn completed before the loss: Start over, no
    // "Rerun from step N" (src/agent/resume.ts keeps only completed tool-call turns).
    await expect(page.getByTestId('resume-button')).toHaveCount(0);
    await expect(runStatus(page)).toHaveText('Ready');

    // The fresh worker made a fresh device and handed it to onnxruntime again.
    const after = await gpuMemory(page);
    expect(after?.buffers, 'GPU buffers on the new worker device after the reload').toBeGreaterThan(0);
    console.log(
      `GPU buffers on the worker device: ${before!.buffers} (${(before!.bytes / 2 ** 20).toFixed(1)} MiB) before the loss, ${after!.buffers} (${(after!.bytes / 2 ** 20).toFixed(1)} MiB) after the reload`,
    );
    await runToEnd(1);
  });
});
