/**
 * The golden checks in Chromium on (software) WebGPU: the same checks as `npm run golden`, on the
 * public set, with the model converted in Node and served to the page from this test.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test, expect } from './fixtures';
import { prepareGoldenModel } from '../src/golden/node-prepare';
import { startStaticServer, type StaticServer } from './support/static-server';

const GOLDEN = resolve(import.meta.dirname, '../test/golden/public');
let work = '';
let server: StaticServer | undefined;

test.beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'golden-e2e-'));
  const { onnxDir } = await prepareGoldenModel(GOLDEN, work);
  // A real loopback server (Playwright's page.route cannot stream the 77 MB fp32 files).
  server = await startStaticServer({ '/set/': GOLDEN, '/model/': onnxDir });
});

test.afterAll(async () => {
  await server?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

test('golden checks pass on WebGPU (fp32 and q4)', async ({ page }) => {
  test.setTimeout(600_000);
  const base = server!.url;
  await page.goto(`diagnostics.html?golden=${base}/set/&model=${base}/model/&variants=fp32,q4&ep=webgpu`);
  const status = page.getByTestId('diag-status');
  await expect(status).not.toHaveText('running…', { timeout: 540_000 });
  const text = (await page.getByTestId('diag-report').textContent()) ?? '';
  console.log(text);
  const lines = text.split('\n');
  expect(lines.filter((l) => l.startsWith('FAIL'))).toEqual([]);
  expect(lines.filter((l) => l.startsWith('PASS fp32.logits.'))).toHaveLength(8);
  expect(lines.filter((l) => l.startsWith('PASS q4.logits.'))).toHaveLength(8);
  expect(lines.at(-1)).toMatch(/^golden: \d+ passed, 0 failed$/);
  await expect(status).toHaveText('ok');
});
