/**
 * The playground's "Server" model source against `npm run serve` on loopback (the bundled tiny
 * model on the CPU, so runs are quick): connect (health check), a run streams into the live card,
 * the trace records the server and exports, imports and replays like a local one; Stop ends a run;
 * a server that does not allow the page's origin gets CORS advice.
 */
import { test as plain, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { PNG } from 'pngjs';
import { test, expect } from './fixtures';
import { dropFile, liveText, setMaxTokens, openApp, waitIdle, SLOW } from './playground/app';
import { startServe, type ServeProcess } from '../test/support/serve-process';

const MODEL = resolve(import.meta.dirname, '../public/models/tiny');
const SERVE_PORT = 4228;
const PICTURE = (() => {
  const png = new PNG({ width: 112, height: 84 });
  for (let y = 0; y < 84; y++)
    for (let x = 0; x < 112; x++) png.data.set([x * 2, y * 3, 90, 255], (y * 112 + x) * 4);
  return PNG.sync.write(png).toString('base64');
})();

let serve: ServeProcess;

async function connect(page: Page, baseUrl: string): Promise<void> {
  await page.getByTestId('model-picker').click();
  await expect(page.getByTestId('model-panel')).toBeVisible();
  await page.getByTestId('server-url').fill(baseUrl);
  await page.getByTestId('server-model').fill('tiny');
  await page.getByTestId('server-connect').click();
}

test.describe.serial('playground against npm run serve', () => {
  test.beforeAll(async ({ browserName: _browser }, info) => {
    const origin = new URL(info.project.use.baseURL!).origin;
    serve = await startServe([MODEL, '--port', String(SERVE_PORT), '--name', 'tiny', '--cors', origin]);
  });
  test.afterAll(async () => {
    await serve?.stop();
  });

  test('connect, run, export, import and replay', async ({ page }) => {
    await openApp(page);
    await connect(page, serve.baseUrl);
    await expect(page.getByTestId('model-picker')).toContainText('tiny (server)', { timeout: 30_000 });
    await page.getByTestId('model-picker').click();
    await dropFile(page, { base64: PICTURE, name: 'p.png', type: 'image/png' });
    await page.getByTestId('question-input').fill('What colour is the corner?');
    await setMaxTokens(page, 30);
    // Streaming shows in the live card: watch every DOM change (a run of 6 tokens on the CPU can
    // finish between two polls) and keep the longest live text seen.
    await page.evaluate(() => {
      const w = window as unknown as { __liveSeen: number; __liveFirst: number };
      w.__liveSeen = 0;
      w.__liveFirst = -1;
      new MutationObserver(() => {
        // A chat server streams text without token ids: watch the live card's text grow.
        const card = document.querySelector('[data-live="true"]');
        if (!card) return;
        const n = (card.textContent ?? '').length;
        if (w.__liveFirst < 0) w.__liveFirst = n;
        w.__liveSeen = Math.max(w.__liveSeen, n);
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    await page.getByTestId('run-button').click();
    await waitIdle(page);
    const live = await page.evaluate(() => {
      const w = window as unknown as { __liveSeen: number; __liveFirst: number };
      return { __liveSeen: w.__liveSeen, __liveFirst: w.__liveFirst };
    });
    expect(live.__liveFirst).toBeGreaterThanOrEqual(0);
    expect(live.__liveSeen).toBeGreaterThan(live.__liveFirst);
    await expect(page.getByTestId('run-error')).toHaveCount(0);
    await expect(page.getByTestId('step-card-0')).toHaveClass(/step-card--budget/);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('export-json').click(),
    ]);
    const json = readFileSync(await download.path()).toString('utf8');
    const trace = JSON.parse(json) as {
      backend: string;
      modelId: string;
      steps: { generatedTokens: number }[];
    };
    expect(trace.backend).toBe(`server/127.0.0.1:${SERVE_PORT}`);
    expect(trace.modelId).toBe('tiny');
    expect(trace.steps[0].generatedTokens).toBe(30);

    // Replay without the server: the imported trace shows the same step.
    await page.getByTestId('question-input').fill('');
    await page.getByTestId('import-trace-input').setInputFiles({
      name: 't.json',
      mimeType: 'application/json',
      buffer: Buffer.from(json),
    });
    await expect(page.getByTestId('question-input')).toHaveValue('What colour is the corner?');
    await expect(page.getByTestId('step-card-0')).toBeVisible();
  });

  test('Stop ends a run against the server', async ({ page }) => {
    await openApp(page);
    await connect(page, serve.baseUrl);
    await expect(page.getByTestId('model-picker')).toContainText('tiny (server)', { timeout: 30_000 });
    await page.getByTestId('model-picker').click();
    await dropFile(page, { base64: PICTURE, name: 'p.png', type: 'image/png' });
    await page.getByTestId('question-input').fill('Describe it.');
    await setMaxTokens(page, 2000);
    await page.getByTestId('run-button').click();
    await expect
      .poll(() => liveText(page).then((t) => t?.length ?? 0), { timeout: SLOW, intervals: [20] })
      .toBeGreaterThan(40);
    // The card re-renders with every streamed token: a dispatched click does not wait for it to settle.
    await page.getByTestId('stop-button').dispatchEvent('click');
    await waitIdle(page);
    await expect(page.getByTestId('step-card-0')).toContainText('stopped by the user');
  });
});

plain('a server without CORS for this page gets advice', async ({ page }, info) => {
  const closed = await startServe([MODEL, '--port', String(SERVE_PORT + 1), '--name', 'tiny']);
  try {
    await page.goto(info.project.use.baseURL!);
    await openApp(page);
    await connect(page, closed.baseUrl);
    await expect(page.getByTestId('run-error')).toContainText('--allowed-origins', { timeout: 30_000 });
  } finally {
    await closed.stop();
  }
});
