/**
 * The one WebGPU device of the worker, created here (not by onnxruntime) so we can ask for the
 * adapter's full limits and features, watch `lost`, scope out-of-memory errors and destroy it.
 * onnxruntime-web runs on it because every WebGPU session is created with it as the EP's
 * `device` option (runtime/sessions.ts); setting env.webgpu.device does nothing in 1.30.
 * Released only by the worker ending: after a loss the worker is replaced, with a fresh device.
 */
import { probeOf, requestGpuAdapter, type GpuProbe } from './webgpu-probe';

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

/**
 * Every limit at the adapter's: onnxruntime sizes its kernels from the device's limits, and the
 * defaults fail it (maxStorageBuffersPerShaderStage 8: "Too many storage buffers in shader.
 * Current: 9, Max is 8" on the tiny model's decoder), as do the default 256 MiB buffers.
 */
export function allLimits(limits: object): Record<string, number> {
  const out: Record<string, number> = {};
  // for-in: a GPUSupportedLimits holds its limits as getters on its prototype.
  for (const name in limits) {
    const value = (limits as Record<string, unknown>)[name];
    if (typeof value === 'number') out[name] = value;
  }
  return out;
}

/** The features it enables when the adapter has them (f16 kernels, subgroup kernels, profiling). */
const ORT_FEATURES = ['shader-f16', 'subgroups', 'timestamp-query'];

/**
 * `caps` lowers chosen limits below the adapter's (never below WebGPU's defaults, which a device
 * always gets): the diagnostics run a graph as on a GPU whose buffers stop sooner.
 */
export async function createWorkerDevice(
  caps: Record<string, number> = {},
): Promise<WorkerDevice | undefined> {
  const got = await requestGpuAdapter();
  if (!('adapter' in got)) return undefined;
  const { adapter } = got;
  const requiredLimits = allLimits(adapter.limits);
  for (const [name, cap] of Object.entries(caps))
    if (name in requiredLimits) requiredLimits[name] = Math.min(requiredLimits[name], cap);
  const features = ORT_FEATURES.filter((f) => adapter.features.has(f));
  const device = (await adapter.requestDevice({
    requiredLimits,
    requiredFeatures: features,
  })) as GpuDeviceLike;
  // On this instance only: a buffer counted here is one onnxruntime made on the device we watch.
  const liveBuffers = countBuffers(device as unknown as CountableDevice);
  return { device, probe: probeOf(adapter, device.limits), liveBuffers };
}
