import { describe, expect, it } from 'vitest';
import { describePath, saferPath } from './safer-path';

describe('saferPath', () => {
  it('steps from fp16 activations to fp32 on the same GPU, then to WASM, then nowhere', () => {
    expect(saferPath({ backend: 'webgpu', variant: 'q4f16' })).toEqual({ backend: 'webgpu', variant: 'q4' });
    expect(saferPath({ backend: 'webgpu', variant: 'q4' })).toEqual({ backend: 'wasm', variant: 'q4' });
    expect(saferPath({ backend: 'webgpu', variant: 'fp32' })).toEqual({ backend: 'wasm', variant: 'fp32' });
    expect(saferPath({ backend: 'wasm', variant: 'q4' })).toBeNull();
  });
  it('steps from fp16 activations to fp32 on WASM too (the CPU overflows fp16 as well)', () => {
    expect(saferPath({ backend: 'wasm', variant: 'q4f16' })).toEqual({ backend: 'wasm', variant: 'q4' });
  });
  it('describes a path for the button', () => {
    expect(describePath({ backend: 'webgpu', variant: 'q4' })).toBe('q4 (fp32 activations) on WebGPU');
  });
});
