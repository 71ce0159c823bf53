/**
 * The harness's worker: runs deliverModel where the app runs it (a dedicated worker, so OPFS
 * sync access handles are used), with the faults a test asks for.
 */
import { deliverModel } from '../delivery/deliver';
import { sha256Hex } from '../base/sha256';
import { toErrorInfo } from '../delivery/errors';
import type { DeliveryEvent } from '../delivery/events';
import type { OpfsStore, StorageManagerLike, StoreWriter } from '../delivery/opfs-store';
import type { FromHarnessWorker, HarnessRunOptions, HarnessRunResult, ToHarnessWorker } from './protocol';

const post = (m: FromHarnessWorker) => (self as unknown as Worker).postMessage(m);

/** A writer that fails as a full disk does once the file would pass `limit` bytes. */
function quotaLimited(inner: StoreWriter, limit: number): StoreWriter {
  return {
    kind: inner.kind,
    get position() {
      return inner.position;
    },
    get durable() {
      return inner.durable;
    },
    async write(bytes) {
      if (inner.position + bytes.length > limit) {
        throw new DOMException('simulated: the origin is over its storage quota', 'QuotaExceededError');
      }
      await inner.write(bytes);
    },
    flush: () => inner.flush(),
    close: () => inner.close(),
  };
}

function storageFor(o: HarnessRunOptions): StorageManagerLike {
  const real = navigator.storage;
  if (o.fakeFreeBytes === undefined) return real;
  return {
    getDirectory: () => real.getDirectory(),
    persisted: () => real.persisted(),
    estimate: async () => ({ quota: o.fakeFreeBytes, usage: 0 }),
  };
}

async function run(o: HarnessRunOptions): Promise<HarnessRunResult> {
  const events: DeliveryEvent[] = [];
  const writerKinds: string[] = [];
  const controller = new AbortController();
  if (o.abortAfterMs !== undefined) setTimeout(() => controller.abort(), o.abortAfterMs);
  const wrapStore = (store: OpfsStore) => {
    const open = store.openWriter.bind(store);
    store.openWriter = async (path, offset) => {
      const w = await open(path, offset);
      writerKinds.push(w.kind);
      return o.quotaAfterBytes === undefined ? w : quotaLimited(w, o.quotaAfterBytes);
    };
    return store;
  };
  try {
    const model = await deliverModel({
      source: o.source,
      base: o.base,
      variant: o.variant,
      modelKey: o.modelKey,
      verifyCached: o.verifyCached,
      storage: storageFor(o),
      retry: { baseDelayMs: o.retryBaseDelayMs ?? 50 },
      signal: controller.signal,
      wrapStore,
      onEvent: (event) => {
        events.push(event);
        post({ kind: 'event', event });
      },
    });
    const files = [];
    for (const f of model.delivered) {
      const bytes = await model.files.readBytes(f.path);
      files.push({ path: f.path, source: f.source, bytes: bytes.length, readSha256: await sha256Hex(bytes) });
    }
    return { ok: true, events, files, fromMemory: model.fromMemory, writerKinds };
  } catch (e) {
    return { ok: false, error: toErrorInfo(e), events, files: [], writerKinds };
  }
}

self.onmessage = async (e: MessageEvent<ToHarnessWorker>) => {
  if (e.data.kind === 'run') post({ kind: 'result', result: await run(e.data.options) });
};
