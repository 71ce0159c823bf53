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
import { dropFile, liveTokens, setMaxTokens, openApp, waitIdle, SLOW } from './playground/app';
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
    await setMaxTokens(page, 6);
    await page.getByTestId('run-button').click();
    // Streaming shows in the live card, token count rising.
    await expect.poll(() => liveTokens(page), { timeout: SLOW, intervals: [20] }).toBeGreaterThan(0);
    await waitIdle(page);
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
    expect(trace.steps[0].generatedTokens).toBe(6);

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
    await expect.poll(() => liveTokens(page), { timeout: SLOW, intervals: [20] }).toBeGreaterThan(0);
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
