/**
 * Reading `deepeyes-manifest.json` from a model URL as untrusted input: size-capped, refused when
 * it is an HTML page, and validated against the fields delivery relies on (paths, sizes, hashes,
 * variants). Extra fields pass through untouched.
 */
import { z } from 'zod';
// Types only: convert/manifest.ts is Node code (node:fs, node:crypto) and must stay out of the bundle.
import type { DeepEyesManifest, ManifestFile, VariantName } from '../../convert/manifest';
import { HtmlInsteadOfFileError, HttpStatusError, ManifestError, NetworkError, isAbort } from './errors';
import { looksLikeHtml, isHtmlContentType, fileUrl } from './http';
import { splitModelPath } from './opfs-store';

/** The converter's MANIFEST_FILE, repeated here for the reason above. */
export const MANIFEST_FILE = 'deepeyes-manifest.json';

/** A real manifest is a few KB; a cap keeps a hostile URL from filling memory. */
export const MAX_MANIFEST_BYTES = 8 * 2 ** 20;

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
});
const manifestSchema = z.looseObject({
  format_version: z.number().int(),
  model_id: z.string(),
  source_config: z.record(z.string(), z.unknown()).optional(),
  files: z.array(fileSchema),
  variants: z.partialRecord(z.enum(['fp32', 'q4', 'q4f16']), variantSchema),
});

export function parseManifest(text: string, source: string): DeepEyesManifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ManifestError(`${source} is not JSON`);
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ManifestError(
      `${source} is not a DeepEyes manifest (${issue.path.join('.')}: ${issue.message})`,
    );
  }
  const m = parsed.data as unknown as DeepEyesManifest;
  const known = new Set(m.files.map((f) => f.path));
  for (const f of m.files) splitModelPath(f.path);
  for (const [name, v] of Object.entries(m.variants)) {
    const missing = v?.files.find((p) => !known.has(p));
    if (missing)
      throw new ManifestError(`${source}: variant ${name} lists ${missing}, which is not among its files`);
  }
  return m;
}

/** The manifest entries of a variant's files, in the variant's order. */
export function variantFiles(manifest: DeepEyesManifest, variant: VariantName): ManifestFile[] {
  const v = manifest.variants[variant];
  if (!v)
    throw new ManifestError(
      `the model has no ${variant} variant (it has ${Object.keys(manifest.variants).join(', ')})`,
    );
  const byPath = new Map(manifest.files.map((f) => [f.path, f]));
  return v.files.map((p) => byPath.get(p)!);
}

export async function fetchManifest(
  baseUrl: string,
  opts: { signal?: AbortSignal; fetch?: typeof fetch } = {},
): Promise<DeepEyesManifest> {
  const url = fileUrl(baseUrl, MANIFEST_FILE);
  let res: Response;
  try {
    res = await (opts.fetch ?? fetch)(url, { signal: opts.signal, cache: 'no-cache', credentials: 'omit' });
  } catch (e) {
    if (isAbort(e)) throw e;
    throw new NetworkError(MANIFEST_FILE, String(e));
  }
  if (!res.ok) {
    void res.body?.cancel().catch(() => undefined);
    throw new HttpStatusError(url, res.status, MANIFEST_FILE);
  }
  if (isHtmlContentType(res.headers.get('content-type'))) {
    void res.body?.cancel().catch(() => undefined);
    throw new HtmlInsteadOfFileError(url, MANIFEST_FILE);
  }
  const declared = Number(res.headers.get('content-length') ?? 0);
  if (declared > MAX_MANIFEST_BYTES) {
    void res.body?.cancel().catch(() => undefined);
    throw new ManifestError(`${url} is ${declared} bytes, too large for a manifest`);
  }
  const bytes = new Uint8Array(await res.arrayBuffer());
  if (bytes.length > MAX_MANIFEST_BYTES) throw new ManifestError(`${url} is too large for a manifest`);
  if (looksLikeHtml(bytes)) throw new HtmlInsteadOfFileError(url, MANIFEST_FILE);
  return parseManifest(new TextDecoder().decode(bytes), url);
}
