/**
 * Keeping gigabytes between visits: ask once for persistent storage (otherwise the browser may
 * evict the model under disk pressure), and check the space the browser grants before
 * downloading into it.
 */
import type { DeliveryEventSink } from './events';
import type { StorageManagerLike } from './opfs-store';

let persistenceAsked: Promise<boolean | undefined> | undefined;

/**
 * Calls navigator.storage.persist() once per page (later calls share the first answer). persist()
 * is exposed to windows only: in a worker this emits 'persistence-wanted' so the host page asks
 * (it calls this same function, which there does the asking) and resolves undefined.
 */
export function requestPersistence(
  storage: StorageManagerLike | undefined = globalThis.navigator?.storage,
  onEvent?: DeliveryEventSink,
): Promise<boolean | undefined> {
  if (typeof storage?.persist !== 'function') {
    onEvent?.({
      kind: 'notice',
      code: 'persistence-wanted',
      message: 'asking the page to request persistent storage so the browser keeps the model',
    });
    return Promise.resolve(undefined);
  }
  persistenceAsked ??= (async () => {
    try {
      if (await storage.persisted?.()) return true;
      return await storage.persist!();
    } catch {
      // Some browsers reject persist() outright (e.g. in a private window): the cache still works.
      return false;
    }
  })().then((persisted) => {
    onEvent?.({
      kind: 'notice',
      code: 'persistence',
      persisted,
      message: persisted
        ? 'the browser will keep the downloaded model'
        : 'the browser may delete the downloaded model when disk space runs low (persistent storage was not granted)',
    });
    return persisted;
  });
  return persistenceAsked;
}

/** Bytes the browser still grants this origin, or undefined when it does not say. */
export async function freeStorageBytes(
  storage: StorageManagerLike | undefined = globalThis.navigator?.storage,
): Promise<number | undefined> {
  try {
    const e = await storage?.estimate?.();
    if (!e || e.quota === undefined) return undefined;
    return Math.max(0, e.quota - (e.usage ?? 0));
  } catch {
    return undefined;
  }
}
