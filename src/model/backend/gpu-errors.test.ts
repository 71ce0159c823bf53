import { afterEach, describe, expect, it } from 'vitest';
import { GpuOutOfMemoryError, outOfMemoryError, WasmOutOfMemoryError } from './gpu-errors';

const q4 = { variant: 'q4', totalBytes: 3 * 2 ** 30, maxSingleTensorBytes: 2 ** 29, smaller: [] };
/** fp32 of a model that also offers q4 and q4f16. */
const fp32 = {
  variant: 'fp32',
  totalBytes: 30 * 2 ** 30,
  smaller: [
    { variant: 'q4', totalBytes: 3 * 2 ** 30 },
    { variant: 'q4f16', totalBytes: 5 * 2 ** 30 },
  ],
};
/** A model converted to fp32 only. */
const fp32Only = { variant: 'fp32', totalBytes: 30 * 2 ** 30, smaller: [] };

const needs = { variant: 'q4f16', totalBytes: 5 * 2 ** 30, maxSingleTensorBytes: 2 ** 30, smaller: [] };

describe('outOfMemoryError', () => {
  const g = globalThis as { GPUOutOfMemoryError?: unknown };
  afterEach(() => delete g.GPUOutOfMemoryError);

  it("recognises WebGPU's GPUOutOfMemoryError and names the model's needs", () => {
    // The class a WebGPU browser defines (WebGPU spec, GPUError subclasses carry only a message).
    class GPUOutOfMemoryError {
      constructor(readonly message: string) {}
    }
    g.GPUOutOfMemoryError = GPUOutOfMemoryError;
    const e = outOfMemoryError(new GPUOutOfMemoryError('Failed to allocate memory for buffer'), needs);
    expect(e).toBeInstanceOf(GpuOutOfMemoryError);
    expect(e?.code).toBe('gpu_out_of_memory');
    expect(e?.advice).toContain('q4f16 variant (5.00 GiB of weights, its largest tensor 1.00 GiB)');
  });

  it("recognises onnxruntime-web's heap allocation failure, text as in wasm-core-impl.ts", () => {
    const e = outOfMemoryError(
      new Error("Can't create a session. failed to allocate a buffer of size 3221225472."),
      needs,
    );
    expect(e).toBeInstanceOf(WasmOutOfMemoryError);
    expect(e?.message).toContain('3.00 GiB could not be allocated');
  });

  it('leaves other failures alone, even ones that mention memory', () => {
    expect(outOfMemoryError(new Error('out of memory'))).toBeUndefined();
    expect(outOfMemoryError(new Error('[WebGPU] Kernel "[MatMul] x" failed. allocation'))).toBeUndefined();
    expect(outOfMemoryError('OOM')).toBeUndefined();
  });

  it("recognises a JS allocation failure (V8's and JavaScriptCore's RangeError) and names the model's needs", () => {
    for (const text of ['Array buffer allocation failed', 'Out of memory']) {
      const e = outOfMemoryError(new RangeError(text), q4);
      expect(e?.code).toBe('out_of_memory');
      expect(`${e?.message} ${e?.advice}`).toContain('q4 variant (3.00 GiB of weights');
    }
    expect(outOfMemoryError(new RangeError('Invalid typed array length: 5'), q4)).toBeUndefined();
  });

  it('advises a smaller variant only when this model offers one: never "q4" with q4 loaded, nor for an fp32-only model', () => {
    class GPUOutOfMemoryError {
      constructor(readonly message: string) {}
    }
    g.GPUOutOfMemoryError = GPUOutOfMemoryError;
    const failures = [
      new GPUOutOfMemoryError('Failed to allocate memory for buffer'),
      new Error("Can't create a session. failed to allocate a buffer of size 3221225472."),
      new RangeError('Array buffer allocation failed'),
    ];
    for (const f of failures) {
      for (const small of [q4, needs, fp32Only]) {
        const advice = outOfMemoryError(f, small)?.advice ?? '';
        expect(advice).not.toMatch(/smaller .*variant|q4 \(/);
        expect(advice).toContain(`${small.variant} variant (${small.totalBytes / 2 ** 30}.00 GiB of weights`);
        expect(advice).toContain('is the smallest variant this model offers');
      }
      expect(outOfMemoryError(f, fp32)?.advice).toContain(
        "load this model's smaller q4 (3.00 GiB) or q4f16 (5.00 GiB) variant",
      );
    }
  });
});
