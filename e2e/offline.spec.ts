/**
 * Offline after the first visit (reliability case 25): the built app is opened once online, its
 * service worker precaches the shell, the onnxruntime wasm and the bundled tiny model; then the
 * browser goes offline, the page reloads, and the tiny model loads and runs one token.
 */
import { test, expect } from './fixtures';
import { dropFile, loadTinyModel, openApp, setMaxTokens, waitIdle, SLOW } from './playground/app';

test('after one online visit, the app reloads and runs the bundled model offline', async ({
  page,
  context,
  consoleErrors,
}) => {
  await openApp(page);
  // Installation finishes only once every precached file is stored.
  const scope = await page.evaluate(() =>
    Promise.race([
      navigator.serviceWorker.ready.then((r) => r.scope),
      new Promise<null>((resolve) => setTimeout(() => resolve(null), 60_000)),
    ]),
  );
  expect(scope, 'an active service worker for the page').toBe(new URL('./', page.url()).href);

  await context.setOffline(true);
  // Sanity: the network really is gone for this page.
  const reachable = await page.evaluate(() =>
    fetch(`diagnostics.html?${Date.now()}`).then(
      () => true,
      () => false,
    ),
  );
  expect(reachable, 'a file the service worker does not keep must fail offline').toBe(false);
  // That failed fetch is the one console error this test expects; any other still fails it.
  await expect.poll(() => consoleErrors.length).toBe(1);
  expect(consoleErrors.splice(0)).toEqual(['Failed to load resource: net::ERR_INTERNET_DISCONNECTED']);

  await page.reload();
  await expect(page.getByTestId('step-card-0')).toBeVisible({ timeout: 30_000 });
  expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);

  await dropFile(page, {
    url: 'samples/raindrops.jpg',
    name: 'raindrops.jpg',
    type: 'image/jpeg',
    shrinkTo: 112,
  });
  await loadTinyModel(page);
  await setMaxTokens(page, 1);
  await page.getByTestId('question-input').fill('What is on the leaf?');
  await page.getByTestId('run-button').click();
  await waitIdle(page, SLOW);
  await expect(page.getByTestId('run-error')).toHaveCount(0);
  await expect(page.getByTestId('step-card-0')).toContainText('token budget reached');
});
