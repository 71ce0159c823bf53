/**
 * The playground with a real model: the bundled random-weights model on (software) WebGPU in its
 * worker. One page and one model load serve the whole file (a load costs seconds on SwiftShader).
 * Random weights never call a tool, so every run ends by the per-turn token budget.
 */
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures';
import {
  dropFile,
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

/** The smallest per-turn budget the settings allow: a run is a few seconds. */
const SHORT_RUN_TOKENS = 32;

let page: Page;
let consoleWatch: ConsoleWatch;

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
    await dropFile(page, { url: 'samples/raindrops.jpg', name: 'raindrops.jpg', type: 'image/jpeg' });
    await expect(page.getByTestId('question-input')).toHaveValue('');
    await saveScreenshot(page, 'dropped-picture');

    await loadTinyModel(page, () => saveScreenshot(page, 'model-picker').then(() => undefined));
    await setMaxTokens(page, SHORT_RUN_TOKENS);
    await page.getByTestId('question-input').fill('How many water drops are on the leaf?');

    // Sample the live card and the status pill from inside the page, at every frame of the run.
    await page.evaluate(() => {
      const w = window as unknown as { __samples: { status: string; len: number }[] };
      w.__samples = [];
      const tick = () => {
        const card = document.querySelector('[data-live="true"]');
        const head = card?.querySelector('.step-card__head');
        const len = card ? (card.textContent ?? '').length - (head?.textContent ?? '').length : -1;
        const status = document.querySelector('[data-testid="run-status"]')?.getAttribute('data-status') ?? '';
        w.__samples.push({ status, len });
        if (status !== 'idle' || w.__samples.length < 5) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
    await page.getByTestId('run-button').click();
    await expect(runStatus(page)).toHaveAttribute('data-status', 'running', { timeout: SLOW });
    await waitForLiveTokens(page, 8);
    await saveScreenshot(page, 'run-streaming');
    await waitIdle(page);
    await expect(runStatus(page)).toHaveText('Ready');

    const samples = await page.evaluate(
      () => (window as unknown as { __samples: { status: string; len: number }[] }).__samples,
    );
    const running = samples.filter((s) => s.status === 'running' && s.len >= 0).map((s) => s.len);
    const growth = new Set(running).size;
    console.log(`live text lengths seen while running: ${[...new Set(running)].join(', ')}`);
    // Several distinct, increasing lengths: the text streamed in, not all at once at the end.
    expect(growth).toBeGreaterThanOrEqual(3);
    expect(running).toEqual([...running].sort((a, b) => a - b));

    const card = page.getByTestId('step-card-0');
    await expect(card).toHaveClass(/step-card--budget/);
    await expect(card).toContainText('token budget reached');
    await expect(card).toContainText(`${SHORT_RUN_TOKENS} tok`);
    await expect(page.getByTestId('timeline')).toContainText('Ended by a limit');

    const status = page.getByTestId('status-bar');
    await expect(status).toContainText('Tiny test model (random weights) (webgpu)');
    await expect(status).toContainText(/TTFT \d+(\.\d+)? (ms|s)/);
    await expect(status).toContainText(/Prefill \d+ tok\/s/);
    await expect(status).toContainText(/Decode \d+\.\d tok\/s/);
    await expect(status).toContainText(`Generated ${SHORT_RUN_TOKENS} tok`);
  });
});
