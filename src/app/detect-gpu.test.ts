import { describe, expect, it } from 'vitest';
import { detectGpu } from './detect-gpu';

// A navigator shaped as WebGPU defines it (navigator.gpu.requestAdapter, GPUAdapter.features/limits/info).
const adapter = {
  features: new Set(['shader-f16', 'timestamp-query']),
  limits: { maxBufferSize: 2 ** 31, maxStorageBufferBindingSize: 2 ** 30 },
  info: { vendor: 'google', architecture: 'swiftshader', description: '' },
  requestDevice: async () => ({}),
};

describe('detectGpu (through the one WebGPU probe)', () => {
  it('names the adapter and its shader-f16 support', async () => {
    const nav = { gpu: { requestAdapter: async () => adapter }, deviceMemory: 8 };
    expect(await detectGpu(nav)).toEqual({
      webgpu: 'available',
      shaderF16: true,
      adapter: 'google swiftshader',
      deviceMemoryBytes: 8e9,
    });
  });

  it('says why WebGPU is missing: no navigator.gpu, or no adapter', async () => {
    expect(await detectGpu({})).toMatchObject({
      webgpu: 'missing',
      reason: expect.stringMatching(/no WebGPU/),
    });
    const none = await detectGpu({ gpu: { requestAdapter: async () => null } });
    expect(none).toMatchObject({ webgpu: 'missing', reason: expect.stringMatching(/no GPU adapter/) });
  });
});
