/**
 * onnxruntime-web set-up, done once per worker: wasm files come from our own origin (`ort/`),
 * threads only when the page is cross-origin isolated.
 */
import * as ort from 'onnxruntime-web/webgpu';

let configured = false;

export function ortWeb(baseUrl: string): typeof ort {
  if (!configured) {
    ort.env.wasm.wasmPaths = new URL('ort/', baseUrl).href;
    const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
    ort.env.wasm.numThreads = isolated ? Math.min(4, globalThis.navigator?.hardwareConcurrency ?? 1) : 1;
    // Warnings (node placement on the CPU EP, unused inputs) reach console.error; keep it for errors.
    ort.env.logLevel = 'error';
    configured = true;
  }
  return ort;
}
