/**
 * The one WebGPU device of the worker, created here (not by onnxruntime) so we can ask for the
 * adapter's full buffer limits and shader-f16, and watch `lost`. onnxruntime-web uses it through
 * env.webgpu.device. Released only by the worker ending: after a loss the worker is replaced.
 */
interface GpuAdapterLike {
  features: Set<string>;
  limits: Record<string, number>;
  info?: { vendor?: string; architecture?: string; description?: string };
  requestDevice(desc: {
    requiredLimits?: Record<string, number>;
    requiredFeatures?: string[];
  }): Promise<GpuDeviceLike>;
}

export interface GpuDeviceLike {
  lost: Promise<{ reason: string; message: string }>;
  destroy(): void;
  limits: Record<string, number>;
}

export interface WorkerDevice {
  device: GpuDeviceLike;
  adapterName: string;
  shaderF16: boolean;
  maxBufferSize: number;
  maxStorageBufferBindingSize: number;
}

export async function createWorkerDevice(): Promise<WorkerDevice | undefined> {
  const gpu = (
    globalThis.navigator as { gpu?: { requestAdapter(o?: object): Promise<GpuAdapterLike | null> } }
  ).gpu;
  const adapter = await gpu?.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) return undefined;
  const shaderF16 = adapter.features.has('shader-f16');
  const requiredLimits = {
    maxBufferSize: adapter.limits.maxBufferSize,
    maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
    maxComputeWorkgroupStorageSize: adapter.limits.maxComputeWorkgroupStorageSize,
    maxComputeInvocationsPerWorkgroup: adapter.limits.maxComputeInvocationsPerWorkgroup,
    maxComputeWorkgroupSizeX: adapter.limits.maxComputeWorkgroupSizeX,
  };
  const features = ['shader-f16', 'subgroups', 'timestamp-query'].filter((f) => adapter.features.has(f));
  const device = await adapter.requestDevice({ requiredLimits, requiredFeatures: features });
  const info = adapter.info ?? {};
  return {
    device,
    adapterName:
      [info.vendor, info.architecture, info.description].filter(Boolean).join(' ') || 'WebGPU adapter',
    shaderF16,
    maxBufferSize: device.limits.maxBufferSize,
    maxStorageBufferBindingSize: device.limits.maxStorageBufferBindingSize,
  };
}
