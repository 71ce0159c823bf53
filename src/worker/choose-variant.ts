/**
 * Which converted variant to load: q4f16 only where the adapter has shader-f16 (fp16 kernels on an
 * adapter without it fail or, on one EP, silently return zeros), then q4 (fp32 activations), then fp32.
 */
import type { Variant } from '../model/runtime/sessions';

export interface ManifestVariants {
  variants?: Partial<Record<string, { required_features?: string[]; max_single_tensor_bytes?: number }>>;
}

export class ModelTooLargeError extends Error {
  constructor(bytes: number, limit: number) {
    super(
      `this model has a ${(bytes / 2 ** 20).toFixed(0)} MiB tensor but this GPU's largest buffer is ` +
        `${(limit / 2 ** 20).toFixed(0)} MiB: use a smaller model or a GPU/browser with larger buffer limits`,
    );
    this.name = 'ModelTooLargeError';
  }
}

export function chooseVariant(
  manifest: ManifestVariants | undefined,
  gpu: { webgpu: boolean; shaderF16: boolean; maxStorageBufferBindingSize?: number },
): Variant {
  const have = manifest?.variants ?? { q4: {}, fp32: {} };
  const order: Variant[] = gpu.webgpu && gpu.shaderF16 ? ['q4f16', 'q4', 'fp32'] : ['q4', 'fp32'];
  const pick = order.find((v) => have[v]);
  if (!pick) throw new Error(`the model offers none of ${order.join(', ')} (it has ${Object.keys(have).join(', ') || 'nothing'})`);
  const biggest = have[pick]?.max_single_tensor_bytes;
  if (gpu.webgpu && biggest && gpu.maxStorageBufferBindingSize && biggest > gpu.maxStorageBufferBindingSize) {
    throw new ModelTooLargeError(biggest, gpu.maxStorageBufferBindingSize);
  }
  return pick;
}
