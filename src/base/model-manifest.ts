/**
 * `deepeyes-manifest.json`, the one description of a converted folder: what it holds, so a runtime
 * can pick a variant (required GPU features, largest single buffer, download size) and check every
 * file's integrity before loading. Written by the converter, read by delivery. Pure: no I/O.
 */
import { z } from 'zod';
import type { Variant } from './types';

export const MANIFEST_FILE = 'deepeyes-manifest.json';
export const MANIFEST_FORMAT_VERSION = 1;

/** The variants a converted folder can hold (the runtime's fp16 is never converted). */
export type VariantName = Exclude<Variant, 'fp16'>;
export const VARIANT_NAMES: readonly VariantName[] = ['fp32', 'q4', 'q4f16'];

export interface ManifestFile {
  /** Relative to the output folder, '/'-separated. */
  path: string;
  bytes: number;
  sha256: string;
}

export interface ManifestVariant {
  /** Every file this variant needs (graphs, their external data, config and tokenizer files). */
  files: string[];
  /** WebGPU features the variant needs (q4f16: shader-f16). */
  required_features: string[];
  /** Largest single initializer in bytes: it must fit one GPU buffer. */
  max_single_tensor_bytes: number;
  total_bytes: number;
  /**
   * int4 variants: the MatMulNBits accuracy_level of the decoder's linears (0: float activations;
   * 4: the CPU EP quantizes activations to int8 per block). Absent in older manifests (= 0).
   */
  matmulnbits_accuracy_level?: 0 | 4;
}

export interface QuantSummary {
  file: string;
  tensors: number;
  max_abs: number;
  max_rel_rms: number;
  mean_rel_rms: number;
  worst_tensor: string;
}

export interface DeepEyesManifest {
  format_version: number;
  model_id: string;
  /** The checkpoint's config.json, as read. */
  source_config: Record<string, unknown>;
  files: ManifestFile[];
  variants: Partial<Record<VariantName, ManifestVariant>>;
  /**
   * Query row chunks of every vision_encoder graph's full-attention blocks: the largest scores
   * buffer is [heads, ceil(N / chunks), N] float32. Absent when the folder has no vision encoder
   * or was converted before chunking (= 1).
   */
  vision_attention_chunks?: number;
  quantization: {
    method: string;
    block_size: number;
    summary: QuantSummary[];
  };
}

const fileSchema = z.object({
  path: z.string().min(1),
  bytes: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'a lowercase hex SHA-256'),
});
const variantSchema = z.looseObject({
  files: z.array(z.string()),
  required_features: z.array(z.string()),
  max_single_tensor_bytes: z.number().nonnegative(),
  total_bytes: z.number().nonnegative(),
  matmulnbits_accuracy_level: z.union([z.literal(0), z.literal(4)]).optional(),
});
const manifestSchema = z.looseObject({
  format_version: z.number().int(),
  model_id: z.string(),
  source_config: z.record(z.string(), z.unknown()).optional(),
  files: z.array(fileSchema),
  variants: z.partialRecord(z.enum(VARIANT_NAMES as [VariantName, ...VariantName[]]), variantSchema),
  vision_attention_chunks: z.number().int().positive().optional(),
});

/**
 * Checks parsed JSON against the fields readers rely on (paths, sizes, hashes, variants, and every
 * variant file listed among the files); extra fields pass through. Returns the problem in words.
 */
export function validateManifest(
  json: unknown,
  /** Throws for a path the reader cannot store (checked before the variants). */
  checkPath: (path: string) => void = () => {},
): { ok: true; manifest: DeepEyesManifest } | { ok: false; problem: string } {
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, problem: `not a DeepEyes manifest (${issue.path.join('.')}: ${issue.message})` };
  }
  const manifest = parsed.data as unknown as DeepEyesManifest;
  for (const f of manifest.files) checkPath(f.path);
  const known = new Set(manifest.files.map((f) => f.path));
  for (const [name, v] of Object.entries(manifest.variants)) {
    const missing = v?.files.find((p) => !known.has(p));
    if (missing)
      return { ok: false, problem: `variant ${name} lists ${missing}, which is not among its files` };
  }
  return { ok: true, manifest };
}

/** The manifest entries of a variant's files, in the variant's order; undefined when it has no such variant. */
export function variantFileEntries(
  manifest: DeepEyesManifest,
  variant: VariantName,
): ManifestFile[] | undefined {
  const v = manifest.variants[variant];
  if (!v) return undefined;
  const byPath = new Map(manifest.files.map((f) => [f.path, f]));
  return v.files.map((p) => byPath.get(p)!);
}
