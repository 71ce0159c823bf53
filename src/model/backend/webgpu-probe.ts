/**
 * What this browser's WebGPU adapter offers, read before any model is downloaded so the app can
 * pick a variant (q4f16 needs shader-f16) and refuse models whose tensors exceed the buffer limits.
 */
export interface GpuProbe {
  available: boolean;
  /** Why WebGPU is unusable, when it is. */
  reason?: string;
  vendor?: string;
  architecture?: string;
  description?: string;
  isFallbackAdapter?: boolean;
  features: string[];
  shaderF16: boolean;
  maxBufferSize: number;
  maxStorageBufferBindingSize: number;
}

interface NavigatorWithGpu {
  gpu?: {
    requestAdapter(opts?: { powerPreference?: string }): Promise<{
      features: Set<string>;
      limits: Record<string, number>;
      info?: { vendor?: string; architecture?: string; description?: string; isFallbackAdapter?: boolean };
      isFallbackAdapter?: boolean;
    } | null>;
  };
}

export async function probeWebGpu(nav: unknown = globalThis.navigator): Promise<GpuProbe> {
  const none = { features: [], shaderF16: false, maxBufferSize: 0, maxStorageBufferBindingSize: 0 };
  const gpu = (nav as NavigatorWithGpu | undefined)?.gpu;
  if (!gpu)
    return { available: false, reason: 'this browser has no WebGPU (navigator.gpu is missing)', ...none };
  let adapter;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (e) {
    return { available: false, reason: `requestAdapter failed: ${String(e)}`, ...none };
  }
  if (!adapter)
    return { available: false, reason: 'WebGPU is present but no GPU adapter was found', ...none };
  const features = [...adapter.features].sort();
  return {
    available: true,
    vendor: adapter.info?.vendor,
    architecture: adapter.info?.architecture,
    description: adapter.info?.description,
    isFallbackAdapter: adapter.info?.isFallbackAdapter ?? adapter.isFallbackAdapter,
    features,
    shaderF16: features.includes('shader-f16'),
    maxBufferSize: adapter.limits.maxBufferSize,
    maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
  };
}
