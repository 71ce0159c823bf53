/**
 * What the browser offers for WebGPU, asked once at startup (through the one probe,
 * model/backend/webgpu-probe.ts) so the model picker can say what will run here before
 * anything is downloaded.
 */
import { probeWebGpu } from '../model/backend/webgpu-probe';
import type { GpuInfo } from '../store/models';

export async function detectGpu(nav: unknown = globalThis.navigator): Promise<GpuInfo> {
  const memory = (nav as { deviceMemory?: unknown } | undefined)?.deviceMemory;
  const deviceMemoryBytes = typeof memory === 'number' ? memory * 1e9 : undefined;
  const probe = await probeWebGpu(nav);
  return probe.available
    ? { webgpu: 'available', shaderF16: probe.shaderF16, adapter: probe.adapterName, deviceMemoryBytes }
    : { webgpu: 'missing', shaderF16: false, reason: probe.reason, deviceMemoryBytes };
}
