import type { Backend } from '../base/types';
/**
 * Where to go when a model's numbers break (NaN or all-zero logits, reliability case 13): fp16
 * activations overflow or an EP returns zeros, so step to fp32 activations first, then off the GPU.
 */

export interface LoadedPath {
  backend: Backend;
  variant: string;
}

export function saferPath(current: LoadedPath): LoadedPath | null {
  // fp16 activations overflow on the CPU too (WASM runs q4f16 when asked): fp32 first, anywhere.
  if (current.variant === 'q4f16') return { backend: current.backend, variant: 'q4' };
  if (current.backend === 'webgpu') return { backend: 'wasm', variant: current.variant };
  return null;
}

export function describePath(p: LoadedPath): string {
  const activations = p.variant === 'q4f16' ? 'fp16' : 'fp32';
  return `${p.variant} (${activations} activations) on ${p.backend === 'webgpu' ? 'WebGPU' : 'WASM (CPU)'}`;
}
