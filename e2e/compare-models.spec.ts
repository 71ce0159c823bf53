/**
 * "Run the same question on the other model": the bundled random-weights model loaded twice under
 * two ids (from the catalog, and from its folder URL), one at a time. After a run on one, a click
 * loads the other, runs the same question on the same picture, and the compare view shows both.
 * Real worker, real (software) WebGPU; runs are kept to 1 token (SwiftShader takes ~20 s a token
 * of the q4 tiny model, most of it in the 151,936-wide output projection).
 */
import { PNG } from 'pngjs';
import { test, expect } from './fixtures';
import {
  dropFile,
  loadTinyModel,
  openApp,
  saveScreenshot,
  setMaxTokens,
  waitIdle,
  SLOW,
} from './playground/app';

/** A 112 px gradient: 16 image tokens, a short prefill. */
function smallPicture(): string {
  const size = 112;
  const png = new PNG({ width: size, height: size });
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) png.data.set([x * 2, y * 2, 128, 255], (y * size + x) * 4);
  return PNG.sync.write(png).toString('base64');
}

test('one click runs the shown question on the other loaded model, and both runs are compared', async ({
  page,
}) => {
  // Two model loads and two runs on a software GPU: minutes on a busy machine.
  test.setTimeout(540_000);
  await openApp(page);
  await dropFile(page, { base64: smallPicture(), name: 'gradient.png', type: 'image/png' });
  await loadTinyModel(page);
  // The same model under a second id: its folder by URL. Loading it replaces the first.
  const url = new URL('models/tiny/', page.url()).href;
  await page.getByTestId('model-picker').click();
  await page.getByTestId('model-url').fill(url);
  await page.getByTestId('model-url').press('Enter');
  await expect(page.getByTestId(`model-entry-${url}`)).toHaveAttribute('data-cache', 'ready', {
    timeout: SLOW,
  });
  await page.getByTestId('model-picker').click();
  await expect(page.getByTestId('model-panel')).toBeHidden();

  const question = 'What colour is the top left corner?';
  await setMaxTokens(page, 1);
  await page.getByTestId('question-input').fill(question);
  // Before any run here there is nothing to rerun.
  await expect(page.getByTestId('compare-run-other')).toHaveCount(0);
  const t0 = Date.now();
  await page.getByTestId('run-button').click();
  await waitIdle(page, 2 * SLOW);
  console.log(`first run ${Date.now() - t0} ms`);
  await expect(page.getByTestId('run-error')).toHaveCount(0);

  // The run was on the URL copy; the button offers the catalog model, by its catalog label.
  const again = page.getByTestId('compare-run-other');
  await expect(again).toHaveText('Run this question on Tiny test model (random weights)');
  // Another question typed meanwhile does not change what is rerun: the shown run's own.
  await page.getByTestId('question-input').fill('something else');
  const t1 = Date.now();
  await again.click();
  await expect(page.getByTestId('run-status')).not.toHaveAttribute('data-status', 'idle', { timeout: SLOW });
  await expect(page.locator('[data-live="true"]')).toHaveCount(1, { timeout: 2 * SLOW });
  console.log(`second run streaming after ${Date.now() - t1} ms`);
  await waitIdle(page, 2 * SLOW);
  console.log(`second run ${Date.now() - t1} ms`);
  await expect(page.getByTestId('run-error')).toHaveCount(0);

  // The catalog model is the loaded one now, and the two runs stand side by side.
  await page.getByTestId('model-picker').click();
  await expect(page.getByTestId('model-entry-tiny-random')).toHaveClass(/is-active/);
  await expect(page.getByTestId(`model-entry-${url}`)).not.toHaveClass(/is-active/);
  await page.getByTestId('model-picker').click();
  const table = page.getByTestId('compare-table');
  await expect(table).toBeVisible();
  // Both ran the first question for 1 token and ended by the budget, with no zoom.
  await expect(page.getByTestId('compare-zooms-a')).toHaveText('0');
  await expect(page.getByTestId('compare-zooms-b')).toHaveText('0');
  await expect(table.locator('tbody tr').nth(3)).toHaveText(/Tokens\s*1\s*1/);
  await expect(page.getByTestId('question-input')).toHaveValue(question);
  // And the button now offers the URL copy again, for the other way round.
  await expect(again).toHaveText(`Run this question on ${url}`);
  await saveScreenshot(page, 'compare-two-models');
});
