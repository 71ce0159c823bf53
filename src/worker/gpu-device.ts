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
  /** GPU buffers created on this device and not yet destroyed (onnxruntime's, all of them). */
  liveBuffers(): GpuBufferCount;
}

export interface GpuBufferCount {
  buffers: number;
  bytes: number;
}

interface CountableDevice {
  createBuffer(descriptor: { size: number }): { destroy(): void };
}

/**
 * Counts the buffers created on `device` until destroyed, by wrapping createBuffer on the
 * instance: onnxruntime-web creates every buffer it uses through the device it is given, so this
 * is its own GPU memory, read without reaching into its internals. A cached (pooled) buffer
 * counts as live: a pool that keeps growing run after run is a leak all the same.
 */
export function countBuffers(device: CountableDevice): () => GpuBufferCount {
  const live: GpuBufferCount = { buffers: 0, bytes: 0 };
  const create = device.createBuffer;
  device.createBuffer = function (this: CountableDevice, descriptor) {
    const buffer = create.call(this, descriptor);
    live.buffers += 1;
    live.bytes += descriptor.size;
    const destroy = buffer.destroy.bind(buffer);
    let destroyed = false;
    buffer.destroy = () => {
      if (!destroyed) {
        destroyed = true;
        live.buffers -= 1;
        live.bytes -= descriptor.size;
      }
      destroy();
    };
    return buffer;
  };
  return () => ({ ...live });
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
  // On the prototype: onnxruntime-web 1.30 (its native WebGPU EP) requests a device of its own
  // and writes it to env.webgpu.device, so wrapping only ours counted nothing (0 buffers).
  const liveBuffers = countBuffers(Object.getPrototypeOf(device) as CountableDevice);
  return { device, probe: probeOf(adapter, device.limits), liveBuffers };
}
