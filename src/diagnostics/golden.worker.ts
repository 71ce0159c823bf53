/// <reference lib="webworker" />
/**
 * Runs the golden checks (../golden/run-checks.ts) inside a worker on onnxruntime-web: the same
 * checks the Node CLI runs, against a golden set and a converted model served over HTTP. On WebGPU
 * onnxruntime-web runs on the device made here, as in the model worker (every adapter limit:
 * onnxruntime's kernels fail the default limits), not on one it would open for itself.
 */
import { createWorkerDevice } from '../model/backend/gpu-device';
import { ortWeb } from '../model/backend/ort-web';
import { UrlModelFiles } from '../model/runtime/model-files';

import { runGoldenChecks, type GoldenRunOptions } from '../golden/run-checks';
import { urlGoldenSource } from '../golden/source';

import type { Variant } from '../base/types';
export interface GoldenRequest {
  baseUrl: string;
  goldenUrl: string;
  modelUrl: string;
  variants: Variant[];
  ep: 'webgpu' | 'wasm';
}

const scope = self as unknown as DedicatedWorkerGlobalScope;
scope.onmessage = async (e: MessageEvent<GoldenRequest>) => {
  const r = e.data;
  try {
    const ort = ortWeb(r.baseUrl);
    const device = r.ep === 'webgpu' ? await createWorkerDevice() : undefined;
    const sink = await runGoldenChecks({
      golden: urlGoldenSource(new URL(r.goldenUrl, r.baseUrl).href),
      files: new UrlModelFiles(new URL(r.modelUrl, r.baseUrl).href),
      ort,
      target: r.ep,
      ...(device ? { gpuDevice: device.device as unknown as GoldenRunOptions['gpuDevice'] } : {}),
      variants: r.variants,
      print: (line) => scope.postMessage({ kind: 'line', line }),
    });
    scope.postMessage({ kind: 'done', summary: sink.summary(), failed: sink.failed, results: sink.results });
  } catch (err) {
    scope.postMessage({ kind: 'done', summary: `golden: error ${String(err)}`, failed: 1, results: [] });
  }
};
