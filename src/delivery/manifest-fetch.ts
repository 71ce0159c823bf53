/**
 * Reading `deepeyes-manifest.json` from a model URL as untrusted input: size-capped, refused when
 * it is an HTML page, and validated against the fields delivery relies on (paths, sizes, hashes,
 * variants). Extra fields pass through untouched.
 */
import {
  MANIFEST_FILE,
  validateManifest,
  variantFileEntries,
  type DeepEyesManifest,
  type ManifestFile,
  type VariantName,
} from '../base/model-manifest';
import { HtmlInsteadOfFileError, HttpStatusError, ManifestError, NetworkError, isAbort } from './errors';
import { looksLikeHtml, isHtmlContentType, fileUrl } from './http';
import { splitModelPath } from './opfs-store';

/** A real manifest is a few KB; a cap keeps a hostile URL from filling memory. */
export const MAX_MANIFEST_BYTES = 8 * 2 ** 20;

export function parseManifest(text: string, source: string): DeepEyesManifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ManifestError(`${source} is not JSON`);
  }
  const checked = validateManifest(json, splitModelPath);
  if (!checked.ok) throw new ManifestError(`${source}: ${checked.problem}`);
  return checked.manifest;
}

/** The manifest entries of a variant's files, in the variant's order. */
export function variantFiles(manifest: DeepEyesManifest, variant: VariantName): ManifestFile[] {
  const files = variantFileEntries(manifest, variant);
  if (!files)
    throw new ManifestError(
      `the model has no ${variant} variant (it has ${Object.keys(manifest.variants).join(', ')})`,
    );
  return files;
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
