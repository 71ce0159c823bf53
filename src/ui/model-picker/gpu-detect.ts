/**
 * What the browser offers for WebGPU, asked once at startup so the model picker can say what
 * will run here before anything is downloaded.
 */
import type { GpuInfo } from '../../store/models';

interface AdapterLike {
  features: { has(name: string): boolean };
  info?: { vendor?: string; architecture?: string; description?: string; device?: string };
}
interface GpuLike {
  requestAdapter(opts?: { powerPreference?: 'high-performance' | 'low-power' }): Promise<AdapterLike | null>;
}

export async function detectGpu(): Promise<GpuInfo> {
  const nav = navigator as Navigator & { gpu?: GpuLike; deviceMemory?: number };
  const deviceMemoryBytes = typeof nav.deviceMemory === 'number' ? nav.deviceMemory * 1e9 : undefined;
  if (!nav.gpu) {
    const reason = window.isSecureContext
      ? 'this browser has no WebGPU (Chrome/Edge 113+, Safari 26+ or Firefox 141+ on Windows have it)'
      : 'WebGPU needs a secure page (https or localhost)';
    return { webgpu: 'missing', shaderF16: false, reason, deviceMemoryBytes };
  }
  try {
    const adapter = await nav.gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (!adapter)
      return {
        webgpu: 'missing',
        shaderF16: false,
        reason: 'WebGPU is present but offered no GPU adapter (blocklisted driver, or disabled)',
        deviceMemoryBytes,
      };
    const i = adapter.info ?? {};
    const adapterName =
      [i.vendor, i.architecture, i.description || i.device].filter(Boolean).join(' ') || 'WebGPU adapter';
    return {
      webgpu: 'available',
      shaderF16: adapter.features.has('shader-f16'),
      adapter: adapterName,
      deviceMemoryBytes,
    };
  } catch (e) {
    return {
      webgpu: 'missing',
      shaderF16: false,
      reason: `requesting a GPU adapter failed: ${(e as Error).message}`,
      deviceMemoryBytes,
    };
  }
}
