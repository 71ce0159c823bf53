/**
 * Twenty runs in a row on (software) WebGPU (reliability case 18): the GPU buffers the model
 * worker's device holds, counted where onnxruntime-web creates and destroys them (the worker
 * wraps its device's createBuffer), must not grow after the first runs. The first run adds
 * buffers (onnxruntime pools them per size), and how many released buffers its pool holds when a
 * run ends depends on when the GPU queue finished (176 after every run here, 178 then 179 on CI):
 * so the last five runs may hold no more than the first five did at most. A leak of one buffer
 * per run would put the last five at least 15 above the first.
 */
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { PNG } from 'pngjs';
import { writeTinyModel } from '../src/cli/build-tiny-model';
import { test, expect } from './fixtures';
import { dropFile, gpuMemory, loadModelByUrl, openApp, setMaxTokens, waitIdle, SLOW } from './playground/app';

const RUNS = 20;
/** The bundled tiny model again, converted to fp32 (the bundle holds q4 only). */
const MODEL_DIR = resolve(import.meta.dirname, '../dist/test-models/tiny-fp32');

test.beforeAll(async () => {
  await writeTinyModel(MODEL_DIR, { dtypes: ['fp32'], modelId: 'tiny, fp32' });
});
test.afterAll(() => rmSync(MODEL_DIR, { recursive: true, force: true }));

/** 56x56: 4 image tokens, so each run's prefill is short on a software GPU. */
const picture = (() => {
  const size = 56;
  const png = new PNG({ width: size, height: size });
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) png.data.set([x * 2, y * 2, 90, 255], (y * size + x) * 4);
  return PNG.sync.write(png).toString('base64');
})();

test(`${RUNS} runs in a row: the GPU buffers the model holds do not grow after the first runs`, async ({
  page,
}) => {
  test.setTimeout(900_000);
  await openApp(page);
  await dropFile(page, { base64: picture, name: 'gradient.png', type: 'image/png' });
  // fp32, not the q4 the picker chooses here: a q4 run spends ~17 s on SwiftShader in the
  // 151,936-wide output projection (MatMulNBits), fp32 about 4 s; the runtime's buffers are the
  // same either way.
  await loadModelByUrl(page, 'test-models/tiny-fp32/', 'webgpu', 'fp32');
  await expect(page.getByTestId('run-status')).toHaveText('Ready', { timeout: SLOW });
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
  const most = (runs: typeof after, key: 'buffers' | 'bytes') => Math.max(...runs.map((m) => m[key]));
  for (const key of ['buffers', 'bytes'] as const)
    expect(most(after.slice(-5), key), `${key} held after runs 16-20`).toBeLessThanOrEqual(
      most(after.slice(0, 5), key),
    );
});
