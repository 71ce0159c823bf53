/**
 * The one WebGPU device of the worker, created here (not by onnxruntime) so we can ask for the
 * adapter's full buffer limits and shader-f16, and watch `lost`. onnxruntime-web uses it through
 * env.webgpu.device. Released only by the worker ending: after a loss the worker is replaced.
 */
import { probeOf, requestGpuAdapter, type GpuProbe } from '../model/backend/webgpu-probe';

export interface GpuDeviceLike {
  lost: Promise<{ reason: string; message: string }>;
  destroy(): void;
  limits: Record<string, number>;
  pushErrorScope(filter: 'out-of-memory' | 'validation' | 'internal'): void;
  /** Resolves with the first error caught in the scope (a GPUOutOfMemoryError for 'out-of-memory'), or null. */
  popErrorScope(): Promise<unknown>;
}

export interface WorkerDevice {
  device: GpuDeviceLike;
  /** The adapter as the device got it: the limits are the device's (raised to the adapter's). */
  probe: GpuProbe;
}

export async function createWorkerDevice(): Promise<WorkerDevice | undefined> {
  const got = await requestGpuAdapter();
  if (!('adapter' in got)) return undefined;
  const { adapter } = got;
  const requiredLimits = {
    maxBufferSize: adapter.limits.maxBufferSize,
    maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
    maxComputeWorkgroupStorageSize: adapter.limits.maxComputeWorkgroupStorageSize,
    maxComputeInvocationsPerWorkgroup: adapter.limits.maxComputeInvocationsPerWorkgroup,
    maxComputeWorkgroupSizeX: adapter.limits.maxComputeWorkgroupSizeX,
  };
  const features = ['shader-f16', 'subgroups', 'timestamp-query'].filter((f) => adapter.features.has(f));
  const device = (await adapter.requestDevice({
    requiredLimits,
    requiredFeatures: features,
  })) as GpuDeviceLike;
  return { device, probe: probeOf(adapter, device.limits) };
}
