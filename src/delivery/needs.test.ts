import { describe, expect, it } from 'vitest';
import type { DeepEyesManifest, ManifestVariant } from '../base/model-manifest';
import type { GpuProbe } from '../model/backend/webgpu-probe';
import { checkVariantNeeds, chooseVariant, NoVariantFitsError } from './needs';

const GiB = 2 ** 30;
// DeepEyes-7B facts (spec/qwen2_5_vl.md): the embedding table is 152064 x 3584; int4 weights total ~5 GB.
const EMBED_FP32 = 152064 * 3584 * 4;
const EMBED_Q4 = (152064 * 3584) / 2 + (152064 * 3584 * 2) / 32; // 4-bit codes + one fp16 scale per 32

const variant = (v: Partial<ManifestVariant>): ManifestVariant => ({
  files: [],
  required_features: [],
  max_single_tensor_bytes: 1 << 20,
  total_bytes: 10 << 20,
  ...v,
});
const deepEyes7b: Pick<DeepEyesManifest, 'variants'> = {
  variants: {
    q4f16: variant({
      required_features: ['shader-f16'],
      max_single_tensor_bytes: EMBED_Q4,
      total_bytes: 4.7e9,
    }),
    q4: variant({ max_single_tensor_bytes: EMBED_Q4, total_bytes: 5.0e9 }),
    fp32: variant({ max_single_tensor_bytes: EMBED_FP32, total_bytes: 33e9 }),
  },
};
const tiny: Pick<DeepEyesManifest, 'variants'> = { variants: { q4: variant({ total_bytes: 17_823_568 }) } };

const gpu = (p: Partial<GpuProbe> = {}): GpuProbe => ({
  available: true,
  features: [],
  shaderF16: false,
  maxBufferSize: 2 * GiB,
  maxStorageBufferBindingSize: 2 * GiB,
  ...p,
});
const f16Gpu = gpu({ features: ['shader-f16', 'timestamp-query'], shaderF16: true });
const noGpu: GpuProbe = { ...gpu(), available: false, reason: 'navigator.gpu is missing', features: [] };

describe('checkVariantNeeds', () => {
  it('refuses q4f16 on a GPU without shader-f16 and says to use q4', () => {
    const fit = checkVariantNeeds('q4f16', deepEyes7b.variants.q4f16, gpu(), 'webgpu');
    expect(fit.fits).toBe(false);
    expect(fit.problems.map((p) => p.code)).toEqual(['missing-feature']);
    expect(fit.problems[0].message).toContain('shader-f16');
    expect(fit.problems[0].advice).toContain('q4');
  });

  it('refuses a tensor larger than maxStorageBufferBindingSize or maxBufferSize', () => {
    // The fp32 embedding table (2.18 GB) is over a common 1 GiB buffer cap; the int4 one (0.31 GB) is not.
    const capped = gpu({ maxBufferSize: GiB, maxStorageBufferBindingSize: 2 * GiB });
    const fp32 = checkVariantNeeds('fp32', deepEyes7b.variants.fp32, capped, 'webgpu');
    expect(fp32.problems.map((p) => p.code)).toEqual(['tensor-too-large']);
    expect(fp32.problems[0].message).toContain('maxBufferSize is 1024 MiB');
    const binding = gpu({ maxStorageBufferBindingSize: 128 * 2 ** 20 });
    expect(checkVariantNeeds('q4', deepEyes7b.variants.q4, binding, 'webgpu').problems[0].message).toContain(
      'maxStorageBufferBindingSize is 128 MiB',
    );
    expect(checkVariantNeeds('q4', deepEyes7b.variants.q4, capped, 'webgpu').fits).toBe(true);
  });

  it('refuses a model over the 4 GiB WebAssembly heap and accepts the tiny one', () => {
    const big = checkVariantNeeds('q4', deepEyes7b.variants.q4, noGpu, 'wasm');
    expect(big.problems.map((p) => p.code)).toEqual(['wasm-memory']);
    expect(big.problems[0].advice).toContain('WebGPU');
    expect(checkVariantNeeds('q4', tiny.variants.q4, noGpu, 'wasm').fits).toBe(true);
  });

  it('warns (without refusing) when storage is short, counting what is already cached', () => {
    const short = checkVariantNeeds('q4', deepEyes7b.variants.q4, gpu(), 'webgpu', { freeBytes: 2e9 });
    expect(short.fits).toBe(true);
    expect(short.warnings.map((w) => w.code)).toEqual(['storage-short']);
    expect(short.warnings[0].message).toContain('run from memory');
    const mostlyCached = checkVariantNeeds('q4', deepEyes7b.variants.q4, gpu(), 'webgpu', {
      freeBytes: 2e9,
      cachedBytes: 4e9,
    });
    expect(mostlyCached.warnings).toEqual([]);
  });

  it('reports a variant the manifest lacks', () => {
    expect(checkVariantNeeds('q4f16', undefined, f16Gpu, 'webgpu').problems[0].code).toBe('variant-missing');
  });
});

describe('chooseVariant', () => {
  it('picks q4f16 on a GPU with shader-f16', () => {
    const c = chooseVariant(deepEyes7b, f16Gpu);
    expect([c.variant, c.backend]).toEqual(['q4f16', 'webgpu']);
    expect(c.notes).toEqual([]);
  });

  it('picks q4 without shader-f16 (software WebGPU) and notes why q4f16 was skipped', () => {
    const c = chooseVariant(deepEyes7b, gpu());
    expect([c.variant, c.backend]).toEqual(['q4', 'webgpu']);
    expect(c.notes[0]).toMatch(/q4f16 skipped: .*shader-f16.*using q4/);
  });

  it('falls back to fp32 when only fp32 is offered and fits', () => {
    const fp32Only = { variants: { fp32: variant({ total_bytes: 40 << 20 }) } };
    expect(chooseVariant(fp32Only, f16Gpu).variant).toBe('fp32');
  });

  it('runs on WASM without WebGPU when the model fits the heap', () => {
    const c = chooseVariant(tiny, noGpu);
    expect([c.variant, c.backend]).toEqual(['q4', 'wasm']);
    expect(c.notes[0]).toContain('navigator.gpu is missing');
  });

  it('refuses DeepEyes-7B without WebGPU, naming the reasons and the advice', () => {
    expect(() => chooseVariant(deepEyes7b, noGpu)).toThrow(NoVariantFitsError);
    expect(() => chooseVariant(deepEyes7b, noGpu)).toThrow(/4 GiB a WebAssembly heap.*needs WebGPU/);
  });

  it('carries the storage warning into the notes', () => {
    const c = chooseVariant(deepEyes7b, f16Gpu, { freeBytes: 1e9 });
    expect(c.notes.some((n) => n.includes('download again next time'))).toBe(true);
  });
});
