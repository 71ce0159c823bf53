/**
 * A model converted in this browser (src/worker/convert.worker.ts) lives in the same OPFS layout
 * as a downloaded one: `deepeyes-models/<key>/`, its manifest beside the files. Recording each
 * file as verified (its SHA-256 was computed as the converter wrote it, into the manifest) makes
 * it load like any cached model, with the same sampled-digest check on every later load.
 */
import type { DeepEyesManifest, VariantName } from '../base/model-manifest';
import { MANIFEST_FILE } from '../base/model-manifest';
import { ModelSourceError } from './errors';
import { parseManifest, variantFiles } from './manifest-fetch';
import { OpfsModelFiles } from './model-source';
import { OpfsStore, type StorageManagerLike } from './opfs-store';
import { sampledDigestOfBlob } from './sampled-digest';

/** The OPFS key of a conversion of `repo@revision` (distinct from a download of the same repo). */
export function convertedModelKey(repo: string, revision: string): string {
  return `converted:hf:${repo}@${revision}`;
}

/** Marks every file the manifest lists as verified, with its sampled digest. */
export async function recordConvertedFiles(store: OpfsStore, manifest: DeepEyesManifest): Promise<void> {
  for (const f of manifest.files) {
    const stored = await store.getFile(f.path);
    if (!stored || stored.size !== f.bytes)
      throw new ModelSourceError(
        `the converted ${f.path} is ${stored ? `${stored.size} bytes, not ${f.bytes}` : 'missing'}; convert again`,
      );
    await store.putRecord({
      path: f.path,
      expectedBytes: f.bytes,
      sha256: f.sha256,
      bytesWritten: f.bytes,
      verified: true,
      sampled: await sampledDigestOfBlob(stored),
    });
  }
}

/** The stored manifest of a finished conversion, or null when there is none. */
export async function readConvertedManifest(store: OpfsStore): Promise<DeepEyesManifest | null> {
  const f = await store.getFile(MANIFEST_FILE);
  return f ? parseManifest(await f.text(), MANIFEST_FILE) : null;
}

/** The converted model's files for the runtime (variant picked from its manifest), checked like any cached model. */
export async function openConvertedModel(
  key: string,
  pick: (manifest: DeepEyesManifest) => VariantName,
  storage?: StorageManagerLike,
): Promise<{ manifest: DeepEyesManifest; variant: VariantName; files: OpfsModelFiles }> {
  const store = await OpfsStore.open(key, storage);
  const manifest = await readConvertedManifest(store);
  if (!manifest) throw new ModelSourceError(`${key} has not been converted in this browser yet`);
  const variant = pick(manifest);
  const delivered = variantFiles(manifest, variant).map((f) => ({
    path: f.path,
    bytes: f.bytes,
    sha256: f.sha256,
    source: 'cache' as const,
  }));
  const manifestBytes = new TextEncoder().encode(JSON.stringify(manifest));
  const files = new OpfsModelFiles(manifest.model_id, store, delivered, {
    extra: new Map([[MANIFEST_FILE, manifestBytes]]),
  });
  return { manifest, variant, files };
}
