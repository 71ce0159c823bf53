/**
 * Which converted variant to run on an execution target, best first: the one preference the browser
 * (delivery's chooseVariant, which also checks the GPU's limits) and the Node tools (loadEngine)
 * share. Pure.
 */
import type { VariantName } from '../base/model-manifest';
import type { ExecutionTarget } from './runtime/ort-api';

export const VARIANT_PREFERENCE: Record<ExecutionTarget, readonly VariantName[]> = {
  // q4f16 needs shader-f16 (the caller checks); int4 weights are the smallest download.
  webgpu: ['q4f16', 'q4', 'fp32'],
  // q4f16 keeps fp16 activations, which the CPU kernels do not serve well; int4 first for its size.
  wasm: ['q4', 'fp32'],
  cpu: ['q4', 'fp32'],
};

/** The variants a model offers that `target` can run, best first. */
export function variantsToTry(
  offered: Partial<Record<VariantName, unknown>>,
  target: ExecutionTarget,
): VariantName[] {
  return VARIANT_PREFERENCE[target].filter((v) => offered[v] !== undefined);
}
