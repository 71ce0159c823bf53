/**
 * The delivery test harness page: `window.__delivery` runs deliverModel in a worker and pokes at
 * OPFS from the page, as the end-to-end tests need. Not part of the app.
 */
import { OPFS_MODELS_FOLDER, modelFolderName } from '../delivery/opfs-store';
import { requestPersistence } from '../delivery/storage-policy';
import type { FromHarnessWorker, HarnessRunOptions, HarnessRunResult, ToHarnessWorker } from './protocol';

async function modelDir(modelKey: string): Promise<FileSystemDirectoryHandle | null> {
  try {
    const root = await (await navigator.storage.getDirectory()).getDirectoryHandle(OPFS_MODELS_FOLDER);
    return await root.getDirectoryHandle(modelFolderName(modelKey));
  } catch {
    return null;
  }
}

async function fileHandle(modelKey: string, path: string): Promise<FileSystemFileHandle> {
  let dir = await modelDir(modelKey);
  if (!dir) throw new Error(`no OPFS folder for ${modelKey}`);
  const parts = path.split('/');
  for (const p of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(p);
  return dir.getFileHandle(parts.at(-1)!);
}

type Entries = FileSystemDirectoryHandle & { values(): AsyncIterable<FileSystemHandle> };

const api = {
  /** Runs deliverModel in a fresh worker; answers the worker's requests for persist(). */
  run(options: HarnessRunOptions): Promise<HarnessRunResult> {
    const worker = new Worker(new URL('./delivery.worker.ts', import.meta.url), { type: 'module' });
    return new Promise<HarnessRunResult>((resolve, reject) => {
      worker.onmessage = (e: MessageEvent<FromHarnessWorker>) => {
        const m = e.data;
        if (m.kind === 'event' && m.event.kind === 'notice' && m.event.code === 'persistence-wanted') {
          void requestPersistence(navigator.storage);
        }
        if (m.kind === 'result') resolve(m.result);
      };
      worker.onerror = (e) => reject(new Error(`harness worker failed: ${e.message}`));
      worker.postMessage({
        kind: 'run',
        options: { base: location.href, ...options },
      } satisfies ToHarnessWorker);
    }).finally(() => worker.terminate());
  },

  /** Every file (records included) under the model's OPFS folder, with sizes. */
  async listOpfs(modelKey: string): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    const walk = async (dir: FileSystemDirectoryHandle, prefix: string) => {
      for await (const h of (dir as Entries).values()) {
        if (h.kind === 'file') out[prefix + h.name] = (await (h as FileSystemFileHandle).getFile()).size;
        else await walk(h as FileSystemDirectoryHandle, `${prefix}${h.name}/`);
      }
    };
    const dir = await modelDir(modelKey);
    if (dir) await walk(dir, '');
    return out;
  },

  /** Flips one bit of a stored file in place, as disk corruption would. */
  async flipByte(modelKey: string, path: string, offset: number): Promise<void> {
    const handle = await fileHandle(modelKey, path);
    const old = new Uint8Array(await (await handle.getFile()).slice(offset, offset + 1).arrayBuffer())[0];
    const w = await handle.createWritable({ keepExistingData: true });
    await w.write({ type: 'write', position: offset, data: new Uint8Array([old ^ 0x01]) });
    await w.close();
  },

  async clearOpfs(): Promise<void> {
    const opfs = await navigator.storage.getDirectory();
    await opfs.removeEntry(OPFS_MODELS_FOLDER, { recursive: true }).catch(() => undefined);
  },
};

declare global {
  interface Window {
    __delivery: typeof api;
  }
}

window.__delivery = api;
document.getElementById('status')!.textContent = 'ready';
