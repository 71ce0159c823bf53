/** One file's download in progress: how far it got, the hash so far, and where its bytes go. */
import { createSha256, type IncrementalHash } from '../base/sha256';
import type { OpfsStore } from './opfs-store';
import { MemorySink, type Sink } from './sinks';

/** Survives retries within one ensureFile call. */
export interface PartialFile {
  offset: number;
  hash: IncrementalHash;
  sink: Sink | null;
}

export async function emptyPartial(): Promise<PartialFile> {
  return { offset: 0, hash: await createSha256(), sink: null };
}

/** Back to byte 0: the hash starts over and the sink, if open, drops its bytes. */
export async function restartAtZero(p: PartialFile): Promise<void> {
  p.offset = 0;
  p.hash = await createSha256();
  await p.sink?.restart();
}

/** Thrown inside an attempt when the stored prefix was lost: start the file over, no backoff. */
export class RestartFile extends Error {}

/** Keeps nothing of the file: a memory sink is let go, a stored copy evicted. */
export async function discardPartial(
  store: OpfsStore | null,
  path: string,
  sink: Sink | null,
): Promise<void> {
  await sink?.close().catch(() => undefined);
  if (sink instanceof MemorySink) return;
  await store?.evict(path);
}
