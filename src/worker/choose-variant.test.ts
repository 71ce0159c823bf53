import { describe, expect, it } from 'vitest';
import { chooseVariant, ModelTooLargeError } from './choose-variant';

const manifest = {
  variants: {
    fp32: { required_features: [], max_single_tensor_bytes: 2_000_000_000 },
    q4: { required_features: [], max_single_tensor_bytes: 300_000_000 },
    q4f16: { required_features: ['shader-f16'], max_single_tensor_bytes: 150_000_000 },
  },
};

describe('chooseVariant', () => {
  it('uses q4f16 only where the adapter has shader-f16', () => {
    expect(chooseVariant(manifest, { webgpu: true, shaderF16: true })).toBe('q4f16');
    expect(chooseVariant(manifest, { webgpu: true, shaderF16: false })).toBe('q4');
    expect(chooseVariant(manifest, { webgpu: false, shaderF16: false })).toBe('q4');
  });
  it('falls back to fp32 when no int4 variant was converted', () => {
    expect(chooseVariant({ variants: { fp32: {} } }, { webgpu: true, shaderF16: false })).toBe('fp32');
  });
  it('refuses, before loading, a variant whose largest tensor exceeds the GPU buffer limit', () => {
    expect(() =>
      chooseVariant(manifest, { webgpu: true, shaderF16: false, maxStorageBufferBindingSize: 256 * 2 ** 20 }),
    ).toThrow(ModelTooLargeError);
  });
});
