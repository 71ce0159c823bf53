/**
 * "Load the last model again when the page opens" (Settings, on by default), through the built
 * app: the bundled tiny model loaded once comes back after a reload without a click, from this
 * browser's storage; with the setting off it does not; and a last model that cannot be loaded any
 * more gives a notice, not a broken page.
 */
import { test as plain } from '@playwright/test';
import { test, expect } from './fixtures';
import { loadTinyModel, openApp, runStatus, SLOW } from './playground/app';

test('the last model is loaded again after a page reload, and not when the setting is off', async ({
  page,
}) => {
  await openApp(page);
  await loadTinyModel(page);

  const weights: string[] = [];
  page.context().on('request', (r) => {
    if (/\/models\/tiny\/onnx\//.test(r.url())) weights.push(r.url());
  });
  await page.reload();
  // No click: the header names the model once it is ready again, and Run is live.
  // (While it loads the label is followed by its progress, "… 40%".)
  await expect(page.getByTestId('model-picker')).toHaveText(/Tiny test model \(random weights\)▾/, {
    timeout: SLOW,
  });
  await expect(runStatus(page)).toHaveText('Ready', { timeout: SLOW });
  await page.getByTestId('model-picker').click();
  await expect(page.getByTestId('model-entry-tiny-random')).toHaveAttribute('data-cache', 'ready');
  await page.getByTestId('model-picker').click();
  // From OPFS: no weight file came over the network again.
  expect(weights).toEqual([]);

  await page.getByTestId('settings-button').click();
  const setting = page.getByTestId('setting-reload-last-model');
  await expect(setting).toBeChecked();
  await setting.uncheck();
  await page.getByTestId('settings-button').click();
  await page.reload();
  await openApp(page);
  // The reload would have been started by now (the app starts it as soon as the first picture is
  // up, in the same step): the model is offered, not loading or loaded.
  await page.getByTestId('model-picker').click();
  await expect(page.getByTestId('load-model-tiny-random')).toBeEnabled();
  await expect(page.getByTestId('model-entry-tiny-random')).not.toHaveAttribute(
    'data-cache',
    /loading|ready/,
  );
  await expect(page.getByTestId('load-model-tiny-random')).not.toHaveText('Loaded');
  await page.getByTestId('model-picker').click();
  await expect(page.getByTestId('model-picker')).toContainText('none');
  await page.getByTestId('settings-button').click();
  await expect(page.getByTestId('setting-reload-last-model')).not.toBeChecked();
});

// The failed fetch of the missing folder prints a console error, so the console-error fixture is not used here.
plain('a last model that cannot be loaded any more: a notice, and the page works', async ({ page }) => {
  await page.goto('./');
  await page.evaluate(() =>
    localStorage.setItem(
      'deepeyes.last-model',
      JSON.stringify({ source: { kind: 'url', url: 'models/gone/', label: 'gone' }, backend: 'webgpu' }),
    ),
  );
  await page.reload();
  const notice = page.locator('[data-testid="run-notice"][data-code="reload-last-failed"]');
  await expect(notice).toBeVisible({ timeout: SLOW });
  await expect(notice).toContainText('The last model was not loaded again');
  await expect(page.getByTestId('run-error')).toHaveCount(0);
  // The page still works: the bundled model loads by hand.
  await loadTinyModel(page);
});
