/**
 * Whether a cached, once-verified file can be used as it is: its record and length must match the
 * manifest, then its sampled digest ('size', the fast start) or its full SHA-256 ('full', the check
 * on demand). A copy that fails is evicted so it is fetched again.
 */
import type { ManifestFile } from '../base/model-manifest';
import { createSha256 } from '../base/sha256';
import { guardAbort, hashMetered, type DownloadContext } from './download-context';
import { sampledDigestOfBlob } from './sampled-digest';

export async function cachedCopyIsSound(
  ctx: DownloadContext,
  file: ManifestFile,
  verifyCached: 'full' | 'size' | undefined,
): Promise<boolean> {
  const store = ctx.store;
  if (!store) return false;
  const rec = await store.getRecord(file.path);
  if (!rec?.verified) return false;
  const stored = await store.getFile(file.path);
  let sound = rec.sha256 === file.sha256 && rec.expectedBytes === file.bytes && stored?.size === file.bytes;
  if (sound && stored && verifyCached === 'full') {
    const hash = await createSha256();
    const meter = ctx.meter(file, 'verify');
    const done = await hashMetered(ctx, file.path, stored.stream(), hash, meter);
    meter.tick(done, 0, true);
    sound = hash.digestHex() === file.sha256;
  } else if (sound && stored && rec.sampled) {
    sound = (await guardAbort(ctx.signal, file.path, () => sampledDigestOfBlob(stored))) === rec.sampled;
  }
  if (sound) return true;
  await store.evict(file.path);
  // A changed manifest (new sha256) is an update, not damage; only damage is worth a notice.
  if (rec.sha256 === file.sha256) {
    ctx.emit({
      kind: 'notice',
      code: 'corrupt-cache-evicted',
      path: file.path,
      message: `the cached ${file.path} was damaged (its SHA-256 no longer matches): deleted, downloading it again`,
    });
  }
  return false;
}
