/**
 * Whether the files fit in the storage the browser grants, checked before downloading, so a model
 * that cannot fit goes to memory from the start rather than failing gigabytes in.
 */
import type { ManifestFile } from '../base/model-manifest';
import type { FileRecord, OpfsStore, StorageManagerLike } from './opfs-store';
import { freeStorageBytes } from './storage-policy';

/** Bytes still to download: each file less what its record (for the same SHA-256) says is stored. */
export function bytesToFetch(
  files: readonly ManifestFile[],
  records: readonly (FileRecord | null)[],
): number {
  let need = 0;
  files.forEach((f, i) => {
    const rec = records[i];
    const usable = rec && rec.sha256 === f.sha256 ? Math.min(rec.bytesWritten, f.bytes) : 0;
    need += f.bytes - usable;
  });
  return need;
}

export function formatBytes(n: number): string {
  return n >= 1e9 ? `${(n / 1e9).toFixed(2)} GB` : `${(n / 1e6).toFixed(1)} MB`;
}

/** Why the files cannot be stored, or null when they fit or the browser does not say. */
export async function roomShortfall(
  store: OpfsStore,
  storage: StorageManagerLike | undefined,
  files: readonly ManifestFile[],
): Promise<string | null> {
  const free = await freeStorageBytes(storage);
  if (free === undefined) return null;
  const records: (FileRecord | null)[] = [];
  for (const f of files) records.push(await store.getRecord(f.path));
  const need = bytesToFetch(files, records);
  return need > free
    ? `the browser grants ${formatBytes(free)} of storage but the model needs ${formatBytes(need)} more`
    : null;
}
