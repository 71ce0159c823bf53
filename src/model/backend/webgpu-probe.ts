/**
 * The one WebGPU probe: what this browser's adapter offers, read before any model is downloaded
 * so the app can pick a variant (q4f16 needs shader-f16) and refuse models whose tensors exceed
 * the buffer limits. The page asks it for the model picker, the worker for its device.
 */
export interface GpuProbe {
  available: boolean;
  /** Why WebGPU is unusable, when it is. */
  reason?: string;
  vendor?: string;
  architecture?: string;
  description?: string;
  /** The adapter's name as people read it ("vendor architecture description"). */
  adapterName?: string;
  isFallbackAdapter?: boolean;
  features: string[];
  shaderF16: boolean;
  maxBufferSize: number;
  maxStorageBufferBindingSize: number;
}

export interface GpuAdapterInfoLike {
  vendor?: string;
  architecture?: string;
  description?: string;
  device?: string;
  isFallbackAdapter?: boolean;
}

export interface GpuAdapterLike {
  features: ReadonlySet<string>;
  limits: Record<string, number>;
  info?: GpuAdapterInfoLike;
  isFallbackAdapter?: boolean;
  requestDevice(desc: {
    requiredLimits?: Record<string, number>;
    requiredFeatures?: string[];
  }): Promise<unknown>;
}

interface NavigatorWithGpu {
  gpu?: { requestAdapter(opts?: { powerPreference?: string }): Promise<GpuAdapterLike | null> };
}

/** A probe that says WebGPU is not there, and why. */
export function noGpuProbe(reason: string): GpuProbe {
  return {
    available: false,
    reason,
    features: [],
    shaderF16: false,
    maxBufferSize: 0,
    maxStorageBufferBindingSize: 0,
  };
}

/** The high-performance adapter, or why there is none. */
export async function requestGpuAdapter(
  nav: unknown = globalThis.navigator,
): Promise<{ adapter: GpuAdapterLike } | { reason: string }> {
  const gpu = (nav as NavigatorWithGpu | undefined)?.gpu;
  if (!gpu) {
    const secure = (globalThis as { isSecureContext?: boolean }).isSecureContext;
    return {
      reason:
        secure === false
          ? 'WebGPU needs a secure page (https or localhost)'
          : 'this browser has no WebGPU (Chrome/Edge 113+, Safari 26+ or Firefox 141+ on Windows have it)',
    };
  }
  try {
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    return adapter
      ? { adapter }
      : { reason: 'WebGPU is present but offered no GPU adapter (blocklisted driver, or disabled)' };
  } catch (e) {
    return { reason: `requesting a GPU adapter failed: ${e instanceof Error ? e.message : String(e)}` };
  }
}

/** What an adapter offers; `limits` from the device when one was created with raised limits. */
export function probeOf(adapter: GpuAdapterLike, limits: Record<string, number> = adapter.limits): GpuProbe {
  const info = adapter.info ?? {};
  const features = [...adapter.features].sort();
  return {
    available: true,
    vendor: info.vendor,
    architecture: info.architecture,
    description: info.description,
    adapterName:
      [info.vendor, info.architecture, info.description || info.device].filter(Boolean).join(' ') ||
      'WebGPU adapter',
    isFallbackAdapter: info.isFallbackAdapter ?? adapter.isFallbackAdapter,
    features,
    shaderF16: features.includes('shader-f16'),
    maxBufferSize: limits.maxBufferSize,
    maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
  };
}

export async function probeWebGpu(nav: unknown = globalThis.navigator): Promise<GpuProbe> {
  const got = await requestGpuAdapter(nav);
  return 'adapter' in got ? probeOf(got.adapter) : noGpuProbe(got.reason);
}
