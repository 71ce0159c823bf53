/**
 * The whole delivery in one call, for the model worker: where the model is, which variant this
 * browser can run, the files of that variant downloaded (or found in OPFS) and verified, and a
 * ModelFiles the runtime reads through.
 */
import type { DeepEyesManifest, VariantName } from '../base/model-manifest';
import type { GpuProbe } from '../model/backend/webgpu-probe';
import { ModelDownloader, type DeliveredFile, type DownloaderOptions } from './downloader';
import { DeliveryError, NetworkError, StorageUnavailableError } from './errors';
import type { DeliveryEventSink } from './events';
import { fetchManifest, parseManifest, variantFiles } from './manifest-fetch';
import { MANIFEST_FILE } from '../base/model-manifest';
import { OpfsModelFiles, resolveModelUrl } from './model-source';
import { chooseVariant, type VariantChoice } from './needs';
import { OpfsStore, type StorageManagerLike } from './opfs-store';
import { freeStorageBytes } from './storage-policy';

export interface DeliverOptions extends Pick<
  DownloaderOptions,
  'signal' | 'onEvent' | 'fetch' | 'retry' | 'verifyCached' | 'checkpointBytes'
> {
  /** "org/repo", a Hugging Face URL, or any folder URL (see resolveModelUrl). */
  source: string;
  /** What a relative `source` is relative to: the page's URL (a worker's own location is its script). */
  base?: string;
  /** Picks the variant with chooseVariant; without it, `variant` must be given. */
  probe?: GpuProbe;
  variant?: VariantName;
  /** OPFS folder key; defaults to the resolved base URL. */
  modelKey?: string;
  /** false: keep everything in memory (no OPFS). Default true. */
  useOpfs?: boolean;
  concurrency?: number;
  storage?: StorageManagerLike;
  /** For tests: wraps the store (e.g. to inject write failures). */
  wrapStore?: (store: OpfsStore) => OpfsStore;
}

export interface DeliveredModel {
  baseUrl: string;
  manifest: DeepEyesManifest;
  variant: VariantName;
  /** Set when the variant was chosen from the probe. */
  choice?: VariantChoice;
  files: OpfsModelFiles;
  delivered: DeliveredFile[];
  fromMemory: boolean;
}

export async function deliverModel(opts: DeliverOptions): Promise<DeliveredModel> {
  const baseUrl = resolveModelUrl(opts.source, opts.base);
  const storage = opts.storage ?? globalThis.navigator?.storage;
  const store =
    opts.useOpfs === false ? null : await openStore(opts.modelKey ?? baseUrl, storage, opts.onEvent);
  const wrapped = store && opts.wrapStore ? opts.wrapStore(store) : store;
  const { manifest, manifestBytes } = await loadManifest(baseUrl, wrapped, opts);
  let variant = opts.variant;
  let choice: VariantChoice | undefined;
  if (!variant) {
    if (!opts.probe) throw new TypeError('deliverModel needs a probe or a variant');
    choice = chooseVariant(manifest, opts.probe, { freeBytes: await freeStorageBytes(storage) });
    variant = choice.variant;
  }
  const files = variantFiles(manifest, variant);
  const downloader = new ModelDownloader({ ...opts, baseUrl, store: wrapped, storage });
  const delivered = await downloader.ensureFiles(files, opts.concurrency);
  const byPath = new Map(files.map((f) => [f.path, f]));
  const modelFiles = new OpfsModelFiles(manifest.model_id || baseUrl, wrapped, delivered, {
    refetch: (path) => downloader.ensureFile(byPath.get(path)!),
    extra: new Map([[MANIFEST_FILE, manifestBytes]]),
    onEvent: opts.onEvent,
  });
  return {
    baseUrl,
    manifest,
    variant,
    choice,
    files: modelFiles,
    delivered,
    fromMemory: downloader.runningFromMemory,
  };
}

async function openStore(
  key: string,
  storage: StorageManagerLike | undefined,
  onEvent: DeliveryEventSink | undefined,
): Promise<OpfsStore | null> {
  try {
    return await OpfsStore.open(key, storage);
  } catch (e) {
    if (!(e instanceof StorageUnavailableError)) throw e;
    onEvent?.({
      kind: 'notice',
      code: 'running-from-memory',
      message: `${e.message}: running from memory; the model will download again next time`,
    });
    return null;
  }
}

/**
 * The manifest from the network, kept in OPFS beside the files so a later visit starts offline;
 * the stored copy is used only when the network fails.
 */
async function loadManifest(
  baseUrl: string,
  store: OpfsStore | null,
  opts: DeliverOptions,
): Promise<{ manifest: DeepEyesManifest; manifestBytes: Uint8Array }> {
  try {
    const manifest = await fetchManifest(baseUrl, opts);
    const manifestBytes = new TextEncoder().encode(JSON.stringify(manifest));
    await store?.putSmallFile(MANIFEST_FILE, manifestBytes).catch(() => undefined);
    return { manifest, manifestBytes };
  } catch (e) {
    if (!(e instanceof NetworkError) || !store) throw e;
    const saved = await store.getFile(MANIFEST_FILE);
    if (!saved) throw e;
    const manifestBytes = new Uint8Array(await saved.arrayBuffer());
    try {
      return {
        manifest: parseManifest(new TextDecoder().decode(manifestBytes), MANIFEST_FILE),
        manifestBytes,
      };
    } catch (bad) {
      if (bad instanceof DeliveryError) throw e;
      throw bad;
    }
  }
}
