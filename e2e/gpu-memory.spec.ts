/**
 * Twenty runs in a row on (software) WebGPU (reliability case 18): the GPU buffers the model
 * worker's device holds, counted where onnxruntime-web creates and destroys them (the worker
 * wraps its device's createBuffer), must not grow after the first run. The first run may add
 * buffers (onnxruntime pools them per size); a leak adds some on every run.
 */
import { PNG } from 'pngjs';
import { test, expect } from './fixtures';
import { dropFile, gpuMemory, loadTinyModel, openApp, setMaxTokens, waitIdle, SLOW } from './playground/app';

const RUNS = 20;

/** 56x56: 4 image tokens, so each run's prefill is short on a software GPU. */
const picture = (() => {
  const size = 56;
  const png = new PNG({ width: size, height: size });
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) png.data.set([x * 2, y * 2, 90, 255], (y * size + x) * 4);
  return PNG.sync.write(png).toString('base64');
})();

test(`${RUNS} runs in a row: the GPU buffers the model holds do not grow after the first run`, async ({
  page,
}) => {
  test.setTimeout(900_000);
  await openApp(page);
  await dropFile(page, { base64: picture, name: 'gradient.png', type: 'image/png' });
  await loadTinyModel(page);
  await page.getByTestId('question-input').fill('What colour is the corner?');
  await setMaxTokens(page, 1);

  const loaded = await gpuMemory(page);
  expect(loaded, 'the model runs on WebGPU').not.toBeNull();
  // onnxruntime's weights live on the worker's device, not on one it opened for itself.
  expect(loaded!.buffers).toBeGreaterThan(0);
  const after: { buffers: number; bytes: number }[] = [];
  for (let i = 0; i < RUNS; i++) {
    await page.getByTestId('run-button').click();
    await waitIdle(page, SLOW);
    await expect(page.getByTestId('run-error')).toHaveCount(0);
    after.push((await gpuMemory(page))!);
  }
  console.log(
    `GPU buffers after load ${loaded!.buffers} (${(loaded!.bytes / 2 ** 20).toFixed(1)} MiB); after each run: ` +
      after.map((m) => `${m.buffers}/${(m.bytes / 2 ** 20).toFixed(1)}MiB`).join(' '),
  );
  const first = after[0];
  for (const [i, m] of after.entries()) {
    expect(m.buffers, `buffers after run ${i + 1}`).toBeLessThanOrEqual(first.buffers);
    expect(m.bytes, `bytes after run ${i + 1}`).toBeLessThanOrEqual(first.bytes);
  }
});
