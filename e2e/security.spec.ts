/**
 * Security and privacy (reliability case 25): the Content-Security-Policy binds the model worker
 * (where model requests are made), a whole session talks only to the page's own origin and the
 * chosen model host, and the production build carries no test pages.
 */
import { createServer, type Server } from 'node:http';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test, expect } from './fixtures';
import { dropFile, loadTinyModel, openApp, setMaxTokens, waitIdle, SLOW } from './playground/app';

const DIST = resolve(import.meta.dirname, '../dist');
/** A model host the policy does not list, on this checkout's own loopback port. */
const OTHER_PORT = Number(process.env.PW_PORT ?? 4173) + 2;

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)],
  );
}

test('the production build has no test harness', async ({ page }) => {
  expect(existsSync(join(DIST, 'index.html')), 'run `npx vite build` first').toBe(true);
  expect(existsSync(join(DIST, 'harness.html'))).toBe(false);
  const scripts = filesUnder(DIST).filter((f) => /\.(m?js|html)$/.test(f));
  const withHooks = scripts.filter((f) => /__delivery|flipByte/.test(readFileSync(f, 'utf8')));
  expect(withHooks.map((f) => f.slice(DIST.length))).toEqual([]);
  const res = await page.request.get('harness.html');
  expect(await res.text()).not.toContain('Delivery test harness');
});

test('the model worker obeys the policy: a model host it does not list is never contacted', async ({
  page,
}) => {
  const hits: string[] = [];
  const other: Server = createServer((req, res) => {
    hits.push(req.url ?? '');
    res.writeHead(404, {
      'Access-Control-Allow-Origin': '*',
      'Cross-Origin-Resource-Policy': 'cross-origin',
    });
    res.end();
  });
  await new Promise<void>((done) => other.listen(OTHER_PORT, '127.0.0.1', done));
  try {
    await openApp(page);
    await page.getByTestId('model-picker').click();
    await page.getByTestId('model-url').fill(`http://127.0.0.1:${OTHER_PORT}/model/`);
    await page.getByTestId('model-url').press('Enter');
    // The load fails either way: refused by the browser (the policy holds: after the download's
    // retries) or by the host's 404. Only in the second case does the host see a request.
    await expect(page.getByTestId('run-error')).toBeVisible({ timeout: 90_000 });
    expect(hits, 'requests that reached the unlisted host').toEqual([]);
  } finally {
    await new Promise((done) => other.close(done));
  }
});

test('a whole session (sample, model load, run, export) requests nothing but the page origin', async ({
  page,
  context,
}) => {
  const urls: string[] = [];
  context.on('request', (r) => urls.push(r.url()));
  await openApp(page);
  const origin = new URL(page.url()).origin;

  await page.getByTestId('sample-two-wings').click();
  await expect(page.getByTestId('step-card-0')).toBeVisible();
  await dropFile(page, {
    url: 'samples/ladybird.jpg',
    name: 'ladybird.jpg',
    type: 'image/jpeg',
    shrinkTo: 112,
  });
  await loadTinyModel(page);
  await setMaxTokens(page, 1);
  await page.getByTestId('question-input').fill('Where is the ladybird?');
  await page.getByTestId('run-button').click();
  await waitIdle(page, SLOW);
  await expect(page.getByTestId('run-error')).toHaveCount(0);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('export-json').click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/\.json$/);

  const network = urls.filter((u) => !/^(data|blob):/.test(u));
  expect(network.length).toBeGreaterThan(10);
  // The tiny model is the chosen model, and it lives on the page's own origin.
  expect(network.filter((u) => new URL(u).origin !== origin)).toEqual([]);
  expect(network.some((u) => u.includes('models/tiny/'))).toBe(true);
});
