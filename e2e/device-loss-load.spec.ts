/**
 * The GPU device lost while a model loads (reliability case 15; issue 12), through the built app
 * in Chromium on (software) WebGPU. The worker's loss hook destroys its GPUDevice while
 * onnxruntime-web creates the decoder's session on it. The load is not failed: the fresh worker
 * the recovery starts (a new device) loads that model, the load ends there, and the user is told
 * what happened in words that are true; a later load on that worker and a run both work.
 */
import { PNG } from 'pngjs';
import { test, expect } from './fixtures';
import {
  dropFile,
  gpuMemory,
  loadModelByUrl,
  openApp,
  runStatus,
  setMaxTokens,
  waitIdle,
  SLOW,
} from './playground/app';

const picture = (() => {
  const png = new PNG({ width: 56, height: 56 });
  for (let y = 0; y < 56; y++)
    for (let x = 0; x < 56; x++) png.data.set([x * 4, y * 4, 90, 255], (y * 56 + x) * 4);
  return PNG.sync.write(png).toString('base64');
})();

test('GPU device lost during a model load: the load ends on a fresh worker and device, the message says so, the next load and a run work', async ({
  page,
}) => {
  const modelWorkers: string[] = [];
  page.on('worker', (w) => {
    if (w.url().includes('model.worker')) modelWorkers.push(w.url());
  });
  await openApp(page);
  await dropFile(page, { base64: picture, name: 'gradient.png', type: 'image/png' });
  await page.getByTestId('question-input').fill('what is this?');

  // Every state the model's row shows, as the user would see it change.
  await page.evaluate(() => {
    const w = window as unknown as { __cacheStates: string[] };
    w.__cacheStates = [];
    new MutationObserver(() => {
      const state = document
        .querySelector('[data-testid="model-entry-tiny-random"]')
        ?.getAttribute('data-cache');
      if (state && w.__cacheStates.at(-1) !== state) w.__cacheStates.push(state);
    }).observe(document.body, {
      subtree: true,
      attributes: true,
      attributeFilter: ['data-cache'],
      childList: true,
    });
  });
  await page.evaluate(() =>
    (
      window as unknown as {
        __deepeyesModelPort: { workerClient: { simulateDeviceLoss(during?: 'load'): Promise<void> } };
      }
    ).__deepeyesModelPort.workerClient.simulateDeviceLoss('load'),
  );
  await page.getByTestId('model-picker').click();
  const load = page.getByTestId('load-model-tiny-random');
  await expect(load).toBeEnabled();
  await load.click();
  await expect(load).toHaveText('Loaded', { timeout: SLOW });

  const notice = page.locator('[data-testid="run-notice"][data-code="reloaded-after-loss"]');
  await expect(notice).toBeVisible();
  await expect(notice).toContainText(
    'The GPU device was lost (destroyed: Device was destroyed.) while the model was loading; it was loaded again in a fresh worker on a new GPU device.',
  );
  // Not a failed load: no error, no "press Run to start over" (no run was lost), and the row went
  // from loading to ready without showing a failure in between.
  await expect(page.getByTestId('run-error')).toHaveCount(0);
  const states = await page.evaluate(() => (window as unknown as { __cacheStates: string[] }).__cacheStates);
  expect(states.slice(states.indexOf('loading'))).toEqual(['loading', 'ready']);
  // The load that lost its device was ended with its worker; a fresh one (a new device) loaded it.
  expect(modelWorkers).toHaveLength(2);
  expect((await gpuMemory(page))?.buffers, 'GPU buffers on the fresh worker device').toBeGreaterThan(0);
  await page.getByTestId('model-picker').click();
  await expect(page.getByTestId('model-panel')).toBeHidden();

  // The next load on that worker creates its WebGPU sessions again ("another WebGPU EP inference
  // session is being created" was what a load met in a worker whose session creation never ended).
  const t0 = Date.now();
  await loadModelByUrl(page, 'models/tiny/', 'webgpu', 'q4');
  const t1 = Date.now();
  await expect(runStatus(page)).toHaveText('Ready');
  expect(modelWorkers).toHaveLength(2);

  await setMaxTokens(page, 1);
  await page.getByTestId('run-button').click();
  await waitIdle(page, SLOW);
  await expect(page.getByTestId('run-error')).toHaveCount(0);
  await expect(page.getByTestId('step-card-0')).toContainText('token budget reached');
  console.log(`next load ${((t1 - t0) / 1000).toFixed(1)} s, run ${((Date.now() - t1) / 1000).toFixed(1)} s`);
});
