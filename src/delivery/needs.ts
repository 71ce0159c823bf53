/**
 * Does a converted variant fit this browser? Decided from the manifest and the WebGPU probe before
 * a byte is downloaded: a 5 GB model that cannot load should be refused with a reason, not after
 * the download. Pure: no browser APIs, so it is tested in Node.
 */
import type { DeepEyesManifest, ManifestVariant, VariantName } from '../base/model-manifest';
import type { GpuProbe } from '../model/backend/webgpu-probe';
import { variantsToTry } from '../model/variant-order';

import type { Backend } from '../base/types';
/** wasm32 addresses 4 GiB; onnxruntime-web copies every weight into that heap. */
export const WASM_HEAP_LIMIT = 4 * 2 ** 30;
/** Room the wasm heap needs beside the weights (activations, KV cache, allocator slack). */
export const WASM_HEADROOM = 512 * 2 ** 20;

export type NeedProblemCode = 'variant-missing' | 'missing-feature' | 'tensor-too-large' | 'wasm-memory';

export interface NeedIssue<C extends string> {
  code: C;
  message: string;
  advice: string;
}
export type NeedProblem = NeedIssue<NeedProblemCode>;
/** Not a reason to refuse: the model still runs, with a cost the user should know about. */
export type NeedWarning = NeedIssue<'storage-short'>;

export interface StorageRoom {
  /** quota - usage from navigator.storage.estimate(); undefined when unknown. */
  freeBytes?: number;
  /** Bytes of this variant already cached (they need no new room). */
  cachedBytes?: number;
}

export interface VariantFit {
  variant: VariantName;
  backend: Backend;
  fits: boolean;
  problems: NeedProblem[];
  warnings: NeedWarning[];
  totalBytes: number;
}

const MiB = (n: number) => `${(n / 2 ** 20).toFixed(0)} MiB`;
const GB = (n: number) => `${(n / 1e9).toFixed(2)} GB`;

export function checkVariantNeeds(
  name: VariantName,
  variant: ManifestVariant | undefined,
  probe: GpuProbe,
  backend: Backend,
  room: StorageRoom = {},
): VariantFit {
  const problems: NeedProblem[] = [];
  const warnings: NeedWarning[] = [];
  if (!variant) {
    problems.push({
      code: 'variant-missing',
      message: `the model has no ${name} variant`,
      advice: `convert it with the ${name} variant, or pick another one`,
    });
    return { variant: name, backend, fits: false, problems, warnings, totalBytes: 0 };
  }
  if (backend === 'webgpu') {
    const missing = variant.required_features.filter((f) => !probe.features.includes(f));
    for (const f of missing) {
      problems.push({
        code: 'missing-feature',
        message: `this GPU lacks the WebGPU feature ${f} that the ${name} variant needs`,
        advice:
          f === 'shader-f16'
            ? 'use the q4 variant (fp32 activations); fp16 kernels without shader-f16 fail or return zeros'
            : 'use a variant without it, or another browser/GPU',
      });
    }
    const limit = Math.min(probe.maxStorageBufferBindingSize, probe.maxBufferSize);
    if (variant.max_single_tensor_bytes > limit) {
      const which =
        probe.maxBufferSize < probe.maxStorageBufferBindingSize
          ? 'maxBufferSize'
          : 'maxStorageBufferBindingSize';
      problems.push({
        code: 'tensor-too-large',
        message:
          `the ${name} variant has a ${MiB(variant.max_single_tensor_bytes)} tensor but this GPU's ` +
          `${which} is ${MiB(limit)}`,
        advice: 'use a smaller (quantized) variant, or a GPU/browser with larger buffer limits',
      });
    }
  } else if (variant.total_bytes + WASM_HEADROOM > WASM_HEAP_LIMIT) {
    problems.push({
      code: 'wasm-memory',
      message: `the ${name} variant needs ${GB(variant.total_bytes)}, more than the 4 GiB a WebAssembly heap can hold`,
      advice:
        'this model needs WebGPU: use a browser and GPU with WebGPU (Chrome or Edge 113+), or a smaller model',
    });
  }
  const toDownload = Math.max(0, variant.total_bytes - (room.cachedBytes ?? 0));
  if (room.freeBytes !== undefined && toDownload > room.freeBytes) {
    warnings.push({
      code: 'storage-short',
      message:
        `the ${name} variant needs ${GB(toDownload)} more storage but the browser grants ${GB(room.freeBytes)}: ` +
        'it will run from memory and download again next time',
      advice: 'free disk space (browsers grant a share of the free disk) to keep the model between visits',
    });
  }
  return {
    variant: name,
    backend,
    fits: problems.length === 0,
    problems,
    warnings,
    totalBytes: variant.total_bytes,
  };
}

export interface VariantChoice {
  variant: VariantName;
  backend: Backend;
  fit: VariantFit;
  /** Every variant looked at, in order, with why it was passed over. */
  considered: VariantFit[];
  /** Short lines for the user about what was chosen and why (a fallback says so). */
  notes: string[];
}

export class NoVariantFitsError extends Error {
  readonly code = 'model_too_large';
  readonly retryable = false;
  constructor(readonly considered: VariantFit[]) {
    super(
      'no variant of this model can run here: ' +
        considered
          .map((f) => `${f.variant}/${f.backend}: ${f.problems.map((p) => p.message).join('; ')}`)
          .join(' | ') +
        `. ${considered.at(-1)?.problems.at(-1)?.advice ?? ''}`,
    );
    this.name = 'NoVariantFitsError';
  }
}

/**
 * q4f16 where the GPU has shader-f16, else q4, else fp32; on WASM when there is no WebGPU or no
 * WebGPU variant fits. Throws NoVariantFitsError with every reason when nothing fits.
 */
export function chooseVariant(
  manifest: Pick<DeepEyesManifest, 'variants'>,
  probe: GpuProbe,
  room: StorageRoom = {},
): VariantChoice {
  const considered: VariantFit[] = [];
  const notes: string[] = [];
  const tryOrder = (backend: Backend): VariantFit | undefined => {
    for (const v of variantsToTry(manifest.variants, backend)) {
      const fit = checkVariantNeeds(v, manifest.variants[v], probe, backend, room);
      considered.push(fit);
      if (fit.fits) return fit;
    }
    return undefined;
  };
  let fit: VariantFit | undefined;
  if (probe.available) {
    fit = tryOrder('webgpu');
    if (!fit) notes.push('no variant fits this GPU: running on the CPU (WebAssembly), much slower');
  } else {
    notes.push(`no WebGPU (${probe.reason ?? 'unavailable'}): running on the CPU (WebAssembly), much slower`);
  }
  fit ??= tryOrder('wasm');
  if (!fit) {
    if (considered.length === 0) {
      considered.push(checkVariantNeeds('q4', undefined, probe, probe.available ? 'webgpu' : 'wasm', room));
    }
    throw new NoVariantFitsError(considered);
  }
  for (const passed of considered.slice(0, -1)) {
    if (passed.backend === fit.backend) {
      notes.push(
        `${passed.variant} skipped: ${passed.problems.map((p) => p.message).join('; ')}; using ${fit.variant}`,
      );
    }
  }
  notes.push(...fit.warnings.map((w) => w.message));
  return { variant: fit.variant, backend: fit.backend, fit, considered, notes };
}
