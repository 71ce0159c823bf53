/**
 * The per-file records in OPFS read as a journal: an unverified record for the same file says how
 * far an interrupted download got (resume there, after re-hashing the stored prefix), and a
 * verified one, with its sampled digest, is what later loads check instead of hashing it all again.
 */
import type { ManifestFile } from '../base/model-manifest';
import { hashMetered, type DownloadContext } from './download-context';
import type { OpfsStore } from './opfs-store';
import { emptyPartial, type PartialFile } from './partial-file';
import { sampledDigestOfBlob } from './sampled-digest';

/** Where an interrupted download of this file stopped, with its hash rebuilt from the stored prefix. */
export async function resumePoint(
  ctx: DownloadContext,
  file: ManifestFile,
  inMemory: boolean,
): Promise<PartialFile> {
  const fresh = await emptyPartial();
  const store = ctx.store;
  if (!store || inMemory) return fresh;
  const rec = await store.getRecord(file.path);
  const stored = await store.getFile(file.path);
  const same = rec && !rec.verified && rec.sha256 === file.sha256 && rec.expectedBytes === file.bytes;
  if (!same) {
    if (rec || stored) await store.evict(file.path);
    return fresh;
  }
  const offset = Math.min(stored?.size ?? 0, rec.bytesWritten, file.bytes);
  if (offset > 0 && stored) {
    const meter = ctx.meter(file, 'resume-hash');
    await hashMetered(ctx, file.path, stored.slice(0, offset).stream(), fresh.hash, meter);
  }
  return { ...fresh, offset };
}

/**
 * Marks a stored file verified. Its full SHA-256 was just proved on the bytes as they arrived; the
 * sampled digest, read back from storage, is what later loads compare.
 */
export async function recordVerified(store: OpfsStore, file: ManifestFile): Promise<void> {
  const stored = await store.getFile(file.path);
  await store.putRecord({
    path: file.path,
    expectedBytes: file.bytes,
    sha256: file.sha256,
    bytesWritten: file.bytes,
    verified: true,
    sampled: stored ? await sampledDigestOfBlob(stored) : undefined,
  });
}
