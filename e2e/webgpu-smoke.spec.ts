import { test, expect } from './fixtures';

test('WebGPU adapter and an onnxruntime-web WebGPU session work in the built app', async ({ page }) => {
  await page.goto('diagnostics.html');
  const status = page.getByTestId('diag-status');
  await expect(status).not.toHaveText('running…', { timeout: 120_000 });
  const report = JSON.parse((await page.getByTestId('diag-report').textContent()) ?? '{}');
  console.log(
    `adapter: ${report.gpu?.vendor} ${report.gpu?.architecture} ${report.gpu?.description}; ` +
      `shader-f16: ${report.gpu?.shaderF16}; maxBufferSize: ${report.gpu?.maxBufferSize}; ` +
      `checks: ${JSON.stringify(report.checks)}`,
  );
  expect(report.gpu.available, report.gpu.reason).toBe(true);
  expect(report.crossOriginIsolated).toBe(true);
  const webgpu = report.checks.find((c: { ep: string }) => c.ep === 'webgpu');
  expect(webgpu, 'the WebGPU EP check ran').toBeTruthy();
  expect(webgpu.error).toBeUndefined();
  expect(webgpu.maxError).toBeLessThan(1e-5);
  expect(report.ok).toBe(true);
  await expect(status).toHaveText('ok');
});
