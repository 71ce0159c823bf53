import type { SelfTestReport } from './selftest';

const status = document.getElementById('status')!;
const report = document.getElementById('report')!;
const worker = new Worker(new URL('./selftest.worker.ts', import.meta.url), { type: 'module' });
worker.onmessage = (e: MessageEvent<SelfTestReport>) => {
  const r = e.data;
  status.textContent = r.ok ? 'ok' : 'failed';
  report.textContent = JSON.stringify(r, null, 2);
  worker.terminate();
};
worker.onerror = (e) => {
  status.textContent = 'failed';
  report.textContent = `worker error: ${e.message}`;
};
worker.postMessage({ baseUrl: new URL('.', location.href).href });
