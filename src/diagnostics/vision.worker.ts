/// <reference lib="webworker" />
/**
 * Runs a converted folder's vision encoder alone on this browser's WebGPU for one grid of
 * deterministic pixels (the formula of bench/vision-scaling.ts), so a test can show which image
 * sizes fit the adapter's buffer limits and compare the output with onnxruntime-node's.
 */
import { ortWeb } from '../model/backend/ort-web';
import { createWorkerDevice } from '../model/backend/gpu-device';
import { parseQwenVLConfig } from '../model/config';
import type { GridThw } from '../model/image/patchify';
import { UrlModelFiles } from '../model/runtime/model-files';
import { loadVisionSession, type SessionChoice } from '../model/runtime/sessions';
import { visionFeeds } from '../model/runtime/vision-feeds';
import { visionPlan } from '../model/vision/plan';
import type { Variant } from '../base/types';

export interface VisionRequest {
  baseUrl: string;
  modelUrl: string;
  grid: GridThw;
  variant: Variant;
  /** How many output values to return, evenly spaced. */
  samples: number;
  /**
   * Runs on a device whose maxStorageBufferBindingSize and maxBufferSize stop at this many bytes
   * (at least WebGPU's defaults, 128 and 256 MiB): a small GPU's limits, met at smaller images.
   */
  bufferCap?: number;
}

export interface VisionReport {
  maxStorageBufferBindingSize: number;
  patches: number;
  loadMs?: number;
  runMs?: number;
  dims?: number[];
  /** Output values at indices round(i * length / samples). */
  sample?: number[];
  nonFinite?: number;
  error?: string;
}

/** Pixel value i of the test image: smooth and in the normalized range, like bench/vision-scaling.ts. */
export const testPixel = (i: number): number => Math.sin(i * 0.37) * 1.5;

const scope = self as unknown as DedicatedWorkerGlobalScope;
scope.onmessage = async (e: MessageEvent<VisionRequest>) => {
  const r = e.data;
  const caps: Record<string, number> = r.bufferCap
    ? { maxStorageBufferBindingSize: r.bufferCap, maxBufferSize: Math.max(r.bufferCap, 2 ** 28) }
    : {};
  const gpu = await createWorkerDevice(caps);
  const report: VisionReport = {
    maxStorageBufferBindingSize: gpu?.device.limits.maxStorageBufferBindingSize ?? 0,
    patches: r.grid[0] * r.grid[1] * r.grid[2],
  };
  try {
    if (!gpu) throw new Error('no WebGPU adapter');
    const files = new UrlModelFiles(new URL(r.modelUrl, r.baseUrl).href);
    const v = parseQwenVLConfig(await files.readText('config.json')).vision;
    const ort = ortWeb(r.baseUrl);
    const t0 = performance.now();
    const session = await loadVisionSession(ort, files, {
      variant: r.variant,
      target: 'webgpu',
      gpuDevice: gpu.device as unknown as SessionChoice['gpuDevice'],
    });
    report.loadMs = performance.now() - t0;
    try {
      const plan = visionPlan(r.grid, v);
      const patchDim = v.inChannels * v.temporalPatchSize * v.patchSize * v.patchSize;
      const pixels = Float32Array.from({ length: plan.N * patchDim }, (_, i) => testPixel(i));
      const t1 = performance.now();
      const out = (await session.run(visionFeeds(ort.Tensor, plan, pixels, r.grid, session.inputNames)))[
        session.outputNames[0]
      ];
      const data = (await out.getData()) as Float32Array;
      report.runMs = performance.now() - t1;
      report.dims = [...out.dims];
      report.nonFinite = data.reduce((n, x) => n + (Number.isFinite(x) ? 0 : 1), 0);
      report.sample = Array.from(
        { length: r.samples },
        (_, i) => data[Math.floor((i * data.length) / r.samples)],
      );
    } finally {
      await session.release();
    }
  } catch (err) {
    report.error = err instanceof Error ? err.message : String(err);
  }
  gpu?.device.destroy();
  scope.postMessage(report);
};
