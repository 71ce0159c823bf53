/**
 * The conversion test page (convert-harness.html): `window.__convert` starts convert.worker.ts
 * and reads back what it stored in OPFS, as the end-to-end tests need. Not part of the app.
 */
import { sha256Blob } from '../base/sha256';
import { OPFS_MODELS_FOLDER, modelFolderName } from '../delivery/opfs-store';
import type {
  ConvertDone,
  ConvertProgressWire,
  ConvertRequest,
  FromConvertWorker,
} from '../worker/convert-protocol';
import type { ErrorInfo } from '../base/errors';
import { openConvertedModel } from '../delivery/converted';
import { ortWeb } from '../model/backend/ort-web';
import { generate } from '../model/runtime/generate';
import { QwenVLRuntime } from '../model/runtime/qwen-vl-runtime';

export interface HarnessConvertResult {
  progress: ConvertProgressWire[];
  done?: ConvertDone;
  error?: ErrorInfo;
  /** With cancelAfterMs: milliseconds from cancel() to the worker's answer. */
  stoppedInMs?: number;
}

type Entries = FileSystemDirectoryHandle & { values(): AsyncIterable<FileSystemHandle> };

async function modelDir(key: string): Promise<FileSystemDirectoryHandle | null> {
  try {
    const root = await (await navigator.storage.getDirectory()).getDirectoryHandle(OPFS_MODELS_FOLDER);
    return await root.getDirectoryHandle(modelFolderName(key));
  } catch {
    return null;
  }
}

const api = {
  /** The last progress message of the running conversion, for a bench that polls a long run. */
  latest: null as ConvertProgressWire | null,

  run(request: ConvertRequest, cancelAfterMs?: number): Promise<HarnessConvertResult> {
    const worker = new Worker(new URL('../worker/convert.worker.ts', import.meta.url), { type: 'module' });
    const out: HarnessConvertResult = { progress: [] };
    let cancelledAt = 0;
    return new Promise<HarnessConvertResult>((resolve, reject) => {
      worker.onmessage = (e: MessageEvent<FromConvertWorker>) => {
        const m = e.data;
        if (m.kind === 'progress') {
          out.progress.push(m.progress);
          api.latest = m.progress;
        } else {
          if (m.kind === 'done') out.done = m.result;
          else out.error = m.error;
          if (cancelledAt) out.stoppedInMs = performance.now() - cancelledAt;
          resolve(out);
        }
      };
      worker.onerror = (e) => reject(new Error(`convert worker failed: ${e.message}`));
      worker.postMessage({ kind: 'start', request });
      if (cancelAfterMs !== undefined) {
        setTimeout(() => {
          cancelledAt = performance.now();
          worker.postMessage({ kind: 'cancel' });
        }, cancelAfterMs);
      }
    }).finally(() => worker.terminate());
  },

  /** Every stored file of the model (records excluded) with its size and SHA-256. */
  async files(key: string): Promise<Record<string, { bytes: number; sha256: string }>> {
    const out: Record<string, { bytes: number; sha256: string }> = {};
    const walk = async (dir: FileSystemDirectoryHandle, prefix: string) => {
      for await (const h of (dir as Entries).values()) {
        if (h.kind === 'file') {
          const f = await (h as FileSystemFileHandle).getFile();
          out[prefix + h.name] = { bytes: f.size, sha256: await sha256Blob(f) };
        } else if (h.name !== '.records') await walk(h as FileSystemDirectoryHandle, `${prefix}${h.name}/`);
      }
    };
    const dir = await modelDir(key);
    if (dir) await walk(dir, '');
    return out;
  },

  /** Logits after prefilling `ids` and the greedy ids that follow, from the converted model on WebGPU. */
  async greedy(key: string, ids: number[], n: number): Promise<{ ids: number[]; logits: number[] }> {
    const { files, variant } = await openConvertedModel(key, () => 'q4');
    const runtime = await QwenVLRuntime.load(ortWeb(location.href), files, { variant, target: 'webgpu' });
    try {
      const first = await runtime.append(ids);
      const logits = Array.from(first.logits);
      const sampling = { kind: 'greedy' } as const;
      const gen = await generate(runtime, first.logits, { maxNewTokens: n, stopIds: [], sampling });
      return { ids: gen.ids, logits };
    } finally {
      await runtime.dispose();
    }
  },

  async clear(): Promise<void> {
    const root = await navigator.storage.getDirectory();
    await root.removeEntry(OPFS_MODELS_FOLDER, { recursive: true }).catch(() => undefined);
  },
};

(window as unknown as { __convert: typeof api }).__convert = api;
document.getElementById('status')!.textContent = 'ready';
