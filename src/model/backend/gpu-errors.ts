/**
 * Failures of the compute backend itself, recognised from what WebGPU and onnxruntime-web really
 * throw (never by guessing from arbitrary text):
 * - WebGPU reports a failed allocation as a GPUOutOfMemoryError, through an error scope opened
 *   with device.pushErrorScope('out-of-memory') or a device 'uncapturederror' event
 *   (https://www.w3.org/TR/webgpu/#gpuoutofmemoryerror).
 * - onnxruntime-web (lib/wasm/wasm-core-impl.ts, 1.17 to 1.30) throws
 *   `Can't create a session. failed to allocate a buffer of size N.` when the WebAssembly heap
 *   cannot take the model bytes.
 * - A JS engine that cannot allocate an ArrayBuffer throws a RangeError: V8 (Chrome, Edge, Node)
 *   says `Array buffer allocation failed`, JavaScriptCore (Safari) `Out of memory`.
 */
import { DeepEyesError } from '../../base/errors';

/** What the model being loaded asks of the machine, named in the advice. */
export interface ModelNeeds {
  variant: string;
  /** Sum of the variant's files: roughly what it holds in GPU (or WASM) memory. */
  totalBytes: number;
  /** Largest single tensor: it must fit one GPU buffer. */
  maxSingleTensorBytes?: number;
  /** The variants this model offers that hold fewer bytes, smallest first: the advice names them. */
  smaller: readonly { variant: string; totalBytes: number }[];
}

const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(2)} GiB`;

function needsText(needs: ModelNeeds | undefined): string {
  if (!needs) return 'this model';
  const single = needs.maxSingleTensorBytes ? `, its largest tensor ${gib(needs.maxSingleTensorBytes)}` : '';
  return `the ${needs.variant} variant (${gib(needs.totalBytes)} of weights${single})`;
}

/**
 * The way out: a smaller variant when this model offers one (never "try q4" with q4 loaded, nor
 * with a model converted to fp32 only), else what the model needs and where it fits.
 */
function memoryAdvice(needs: ModelNeeds | undefined, where: string): string {
  if (!needs) return `close other tabs and programs to free ${where}, or load a smaller model`;
  const smaller = needs.smaller.map((s) => `${s.variant} (${gib(s.totalBytes)})`).join(' or ');
  if (smaller)
    return `close other tabs and programs to free ${where}, or load this model's smaller ${smaller} variant: ${needsText(needs)} needs that much ${where}`;
  return `${needsText(needs)} is the smallest variant this model offers: close other tabs and programs to free ${where}, use a machine with at least ${gib(needs.totalBytes)} of ${where} free, or load a smaller model`;
}

export class NoWebGpuError extends DeepEyesError {
  constructor(reason: string) {
    super('no_webgpu', `WebGPU is not available: ${reason}`, {
      advice:
        'use a browser with WebGPU (Chrome/Edge 113+, Safari 26+, Firefox 141+ on Windows) on https or localhost, or load the model on the WASM (CPU) backend',
    });
    this.name = 'NoWebGpuError';
  }
}

export class GpuOutOfMemoryError extends DeepEyesError {
  constructor(detail: string, needs?: ModelNeeds) {
    super('gpu_out_of_memory', `the GPU ran out of memory (${detail}) holding ${needsText(needs)}`, {
      advice: memoryAdvice(needs, 'GPU memory'),
    });
    this.name = 'GpuOutOfMemoryError';
  }
}

export class WasmOutOfMemoryError extends DeepEyesError {
  constructor(detail: string, needs?: ModelNeeds) {
    super('wasm_out_of_memory', `WebAssembly memory could not hold ${needsText(needs)}: ${detail}`, {
      advice: `onnxruntime-web copies the model into a WebAssembly heap of at most 4 GiB (on WebGPU too, before its upload); ${memoryAdvice(needs, 'memory')}`,
    });
    this.name = 'WasmOutOfMemoryError';
  }
}

/** The JS engine could not allocate an ArrayBuffer (model files, tensors, pictures). */
export class MemoryAllocationError extends DeepEyesError {
  constructor(detail: string, needs?: ModelNeeds) {
    super('out_of_memory', `the browser ran out of memory (${detail}) holding ${needsText(needs)}`, {
      advice: memoryAdvice(needs, 'memory'),
    });
    this.name = 'MemoryAllocationError';
  }
}

export class DeviceLostError extends DeepEyesError {
  constructor(detail: string) {
    super('device_lost', `the GPU device was lost (${detail})`, {
      retryable: true,
      advice:
        'a fresh worker loads the model again on a new device; once it is ready, press Run to start over',
    });
    this.name = 'DeviceLostError';
  }
}

/** onnxruntime-web's own text for a model that does not fit the WebAssembly heap. */
const ORT_SESSION_ALLOCATION = /^Can't create a session\. failed to allocate a buffer of size (\d+)\.$/;

/** What V8 and JavaScriptCore say when an ArrayBuffer cannot be allocated. */
const JS_ALLOCATION = new Set(['Array buffer allocation failed', 'Out of memory']);

/** The WebGPU error class as the browser defines it (absent outside WebGPU-capable browsers). */
function gpuOutOfMemoryClass(): (abstract new (...a: never[]) => { message: string }) | undefined {
  return (globalThis as { GPUOutOfMemoryError?: abstract new (...a: never[]) => { message: string } })
    .GPUOutOfMemoryError;
}

/**
 * The typed error for a known out-of-memory failure (a GPUOutOfMemoryError from an error scope or
 * uncapturederror event, onnxruntime-web's heap allocation failure, a JS ArrayBuffer allocation
 * failure); undefined for anything else.
 */
export function outOfMemoryError(e: unknown, needs?: ModelNeeds): DeepEyesError | undefined {
  const Gpu = gpuOutOfMemoryClass();
  if (Gpu && e instanceof Gpu) return new GpuOutOfMemoryError(e.message || 'GPUOutOfMemoryError', needs);
  const ort = e instanceof Error ? ORT_SESSION_ALLOCATION.exec(e.message) : null;
  if (ort) return new WasmOutOfMemoryError(`${gib(Number(ort[1]))} could not be allocated`, needs);
  if (e instanceof RangeError && JS_ALLOCATION.has(e.message))
    return new MemoryAllocationError(e.message, needs);
  return undefined;
}
