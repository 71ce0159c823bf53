import { afterEach, describe, expect, it } from 'vitest';
import { GpuOutOfMemoryError, outOfMemoryError, WasmOutOfMemoryError } from './gpu-errors';

const needs = { variant: 'q4f16', totalBytes: 5 * 2 ** 30, maxSingleTensorBytes: 2 ** 30 };

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
});
