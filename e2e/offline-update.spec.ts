/**
 * An app update met the way a returning user meets it (reliability case 25c): the built app is
 * served and visited, so its service worker controls the page; then a second, real build of the
 * app is served at the same address. The open page keeps running the version it has, and says a
 * new one is downloaded; once that tab is closed, the next visit runs the new build and says so.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { build, preview, type PreviewServer } from 'vite';
import { test, expect } from './fixtures';

/** A loopback port nobody holds now: both builds are served on it, so they share one origin. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** `vite preview` of one build folder: the production headers, as the other e2e tests get. */
function serve(outDir: string, port: number): Promise<PreviewServer> {
  return preview({
    logLevel: 'warn',
    build: { outDir },
    preview: { host: '127.0.0.1', port, strictPort: true },
  });
}

/** The entry script this page runs: every build names it by its content hash. */
const entryScript = (page: Page) =>
  page.evaluate(() => document.querySelector<HTMLScriptElement>('script[type="module"][src]')!.src);

/**
 * A production build from inside this process. Vite decides production from process.env.NODE_ENV,
 * and a Vite dev server that another spec started earlier in this worker (the harness pages) set it
 * to "development": the build would then have no service worker and no update notice.
 */
async function productionBuild(outDir: string): Promise<void> {
  const before = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ logLevel: 'warn', mode: 'production', build: { outDir, emptyOutDir: true } });
  } finally {
    if (before === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = before;
  }
}

async function openShell(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await expect(page.getByTestId('step-card-0')).toBeVisible({ timeout: 30_000 });
}

test('a second build: the open page says a new version is waiting; the next visit runs it and says so', async ({
  browser,
}) => {
  test.setTimeout(600_000);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  const second = mkdtempSync(join(tmpdir(), 'deepeyes-second-build-'));
  let server = await serve('dist', port);
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await openShell(page, url);
    // Installed once every precached file is stored; the reload puts the page under its control.
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.reload();
    await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
    const first = await entryScript(page);
    await expect(page.getByTestId('update-notice')).toHaveCount(0);

    // The next release: a real build (its own build id and hashes), served at the same address.
    await productionBuild(second);
    await server.close();
    server = await serve(second, port);

    // A visit while the old version controls the page: it is still what runs, and the page says
    // the new one is downloaded and waiting.
    await page.reload();
    await expect(page.getByTestId('update-notice')).toHaveAttribute('data-kind', 'waiting', {
      timeout: 120_000,
    });
    await expect(page.getByTestId('update-notice')).toHaveText(
      'A new version of DeepEyes has been downloaded; it takes over the next time you open the app.',
    );
    expect(await entryScript(page)).toBe(first);

    // The last tab of the old version closes; the next visit gets the new build, and is told.
    await page.close();
    const next = await context.newPage();
    await openShell(next, url);
    expect(await entryScript(next)).not.toBe(first);
    await expect(next.getByTestId('update-notice')).toHaveText('DeepEyes was updated since your last visit.');
    await expect(next.getByTestId('update-notice')).toHaveAttribute('data-kind', 'updated');
  } finally {
    await context.close();
    await server.close();
    rmSync(second, { recursive: true, force: true });
  }
});
