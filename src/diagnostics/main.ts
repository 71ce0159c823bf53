/**
 * diagnostics.html: the GPU self-test, or (with ?golden=<set-url>&model=<model-url>) the golden
 * numerics checks of a converted model on this browser's WebGPU, or (with ?vision=<model-url>&grid=HxW)
 * one run of its vision encoder alone.
 */
import type { SelfTestReport } from './selftest';
import type { GoldenRequest } from './golden.worker';
import type { VisionReport, VisionRequest } from './vision.worker';

import type { Variant } from '../base/types';
const status = document.getElementById('status')!;
const report = document.getElementById('report')!;
const params = new URLSearchParams(location.search);
const baseUrl = new URL('.', location.href).href;

function selfTest(): void {
  const worker = new Worker(new URL('./selftest.worker.ts', import.meta.url), { type: 'module' });
  worker.onmessage = (e: MessageEvent<SelfTestReport>) => {
    status.textContent = e.data.ok ? 'ok' : 'failed';
    report.textContent = JSON.stringify(e.data, null, 2);
    worker.terminate();
  };
  worker.onerror = (e) => {
    status.textContent = 'failed';
    report.textContent = `worker error: ${e.message}`;
  };
  worker.postMessage({ baseUrl });
}

function goldenChecks(goldenUrl: string, modelUrl: string): void {
  const worker = new Worker(new URL('./golden.worker.ts', import.meta.url), { type: 'module' });
  const lines: string[] = [];
  worker.onmessage = (
    e: MessageEvent<{ kind: 'line'; line: string } | { kind: 'done'; summary: string; failed: number }>,
  ) => {
    const m = e.data;
    if (m.kind === 'line') {
      lines.push(m.line);
      report.textContent = lines.join('\n');
      return;
    }
    lines.push(m.summary);
    report.textContent = lines.join('\n');
    status.textContent = m.failed === 0 ? 'ok' : 'failed';
    worker.terminate();
  };
  const req: GoldenRequest = {
    baseUrl,
    goldenUrl,
    modelUrl,
    variants: (params.get('variants') ?? 'fp32,q4').split(',') as Variant[],
    ep: params.get('ep') === 'wasm' ? 'wasm' : 'webgpu',
  };
  worker.postMessage(req);
}

function visionRun(modelUrl: string, grid: string): void {
  const worker = new Worker(new URL('./vision.worker.ts', import.meta.url), { type: 'module' });
  const [h, w] = grid.split('x').map(Number);
  worker.onmessage = (e: MessageEvent<VisionReport>) => {
    status.textContent = e.data.error === undefined ? 'ok' : 'failed';
    report.textContent = JSON.stringify(e.data);
    worker.terminate();
  };
  const req: VisionRequest = {
    baseUrl,
    modelUrl,
    grid: [1, h, w],
    variant: (params.get('variant') ?? 'fp32') as Variant,
    samples: Number(params.get('samples') ?? 256),
    ...(params.get('buffer-cap') ? { bufferCap: Number(params.get('buffer-cap')) } : {}),
  };
  worker.postMessage(req);
}

const golden = params.get('golden');
const model = params.get('model');
const vision = params.get('vision');
if (golden && model) goldenChecks(golden, model);
else if (vision) visionRun(vision, params.get('grid') ?? '32x32');
else selfTest();
