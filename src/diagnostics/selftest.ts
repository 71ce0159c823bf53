/**
 * Proves the browser's inference path works: a WebGPU adapter, and an onnxruntime-web session on the
 * WebGPU EP (and on WASM) running a graph built by our own builder, checked against plain JS.
 */
import { buildSmokeModel, smokeInput, smokeReference, SMOKE_IN } from '../convert/graphs/smoke';
import { probeWebGpu, type GpuProbe } from '../model/backend/webgpu-probe';
import { ortWeb } from '../model/backend/ort-web';

export interface BackendCheck {
  ep: 'webgpu' | 'wasm';
  ok: boolean;
  maxError?: number;
  ms?: number;
  error?: string;
}

export interface SelfTestReport {
  crossOriginIsolated: boolean;
  gpu: GpuProbe;
  checks: BackendCheck[];
  ok: boolean;
}

async function checkEp(ort: ReturnType<typeof ortWeb>, ep: 'webgpu' | 'wasm'): Promise<BackendCheck> {
  const t0 = performance.now();
  try {
    const session = await ort.InferenceSession.create(buildSmokeModel(), { executionProviders: [ep] });
    const x = smokeInput(3);
    const out = await session.run({ x: new ort.Tensor('float32', x, [3, SMOKE_IN]) });
    const got = (await out.y.getData()) as Float32Array;
    const ref = smokeReference(x);
    let maxError = 0;
    for (let i = 0; i < ref.length; i++) maxError = Math.max(maxError, Math.abs(got[i] - ref[i]));
    await session.release();
    // fp32 softmax of 8-wide dot products: anything beyond 1e-5 means the EP computed something else.
    return { ep, ok: maxError < 1e-5, maxError, ms: performance.now() - t0 };
  } catch (e) {
    return { ep, ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}

export async function runSelfTest(baseUrl: string): Promise<SelfTestReport> {
  const gpu = await probeWebGpu();
  const ort = ortWeb(baseUrl);
  const checks: BackendCheck[] = [];
  if (gpu.available) checks.push(await checkEp(ort, 'webgpu'));
  checks.push(await checkEp(ort, 'wasm'));
  return {
    crossOriginIsolated: (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true,
    gpu,
    checks,
    ok: gpu.available && checks.every((c) => c.ok),
  };
}
