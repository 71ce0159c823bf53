/**
 * The page's side of a conversion in the browser: what a pasted repo holds (converted ONNX to
 * download, or safetensors to convert), whether the disk has room (navigator.storage.estimate,
 * persist() asked), and the conversion itself in convert.worker.ts with progress and cancel.
 */
import { DeepEyesError, fromErrorInfo } from '../base/errors';
import { MANIFEST_FILE } from '../base/model-manifest';
import { convertedModelKey, readConvertedManifest } from '../delivery/converted';
import { HubFiles } from '../delivery/hub/hub-files';
import type { HubRef } from '../delivery/hub/hub-ref';
import { OpfsStore } from '../delivery/opfs-store';
import type { ConvertDone, ConvertProgressWire, ConvertRequest, FromConvertWorker } from './convert-protocol';

export type HubRepoKind = 'onnx' | 'safetensors';

export class NotAModelRepoError extends DeepEyesError {
  constructor(repo: string) {
    super(
      'hub-not-a-model',
      `${repo} holds neither ${MANIFEST_FILE} (converted) nor model.safetensors weights.`,
      {
        advice: 'Paste the id of a Qwen2.5-VL or DeepEyes repo (for example ChenShawn/DeepEyes-7B).',
      },
    );
  }
}

export class NotEnoughSpaceError extends DeepEyesError {
  constructor(needed: number, free: number) {
    const gb = (n: number) => `${(n / 1e9).toFixed(1)} GB`;
    super(
      'convert-no-space',
      `converting needs about ${gb(needed)} of browser storage; ${gb(free)} is free.`,
      {
        advice: 'Free disk space or remove other models, or convert with the CLI and open the folder.',
      },
    );
  }
}

/** Converted ONNX (a manifest at the root) or a checkpoint to convert. */
export async function hubRepoKind(ref: HubRef, endpoint?: string, token?: string): Promise<HubRepoKind> {
  const hub = new HubFiles(ref, { endpoint, token, retry: { attempts: 2 } });
  if (await hub.exists(MANIFEST_FILE)) return 'onnx';
  if ((await hub.exists('model.safetensors.index.json')) || (await hub.exists('model.safetensors')))
    return 'safetensors';
  throw new NotAModelRepoError(ref.repo);
}

/**
 * What the converted q4 model will keep, from the checkpoint's size (the index's total_size, or
 * the single file's size): bf16 weights -> int4 plus scales is about a third.
 */
export async function estimateKeptBytes(ref: HubRef, endpoint?: string, token?: string): Promise<number> {
  const hub = new HubFiles(ref, { endpoint, token, retry: { attempts: 2 } });
  let total = 0;
  if (await hub.exists('model.safetensors.index.json')) {
    const index = JSON.parse(
      new TextDecoder().decode(await hub.readBytes('model.safetensors.index.json')),
    ) as {
      metadata?: { total_size?: number };
    };
    total = index.metadata?.total_size ?? 0;
  } else total = await hub.size('model.safetensors');
  return Math.ceil(total * 0.35);
}

/** True when this browser already holds a finished conversion of the repo. */
export async function isConverted(ref: HubRef): Promise<boolean> {
  try {
    return (
      (await readConvertedManifest(await OpfsStore.open(convertedModelKey(ref.repo, ref.revision)))) !== null
    );
  } catch {
    return false;
  }
}

/** Refuses to start when the estimate says the output cannot fit; asks for persistent storage. */
export async function checkRoom(neededBytes: number, storage = globalThis.navigator?.storage): Promise<void> {
  const est = await storage?.estimate?.().catch(() => undefined);
  if (est?.quota !== undefined) {
    const free = est.quota - (est.usage ?? 0);
    if (free < neededBytes) throw new NotEnoughSpaceError(neededBytes, free);
  }
  await storage?.persist?.().catch(() => false);
}

/** Runs one conversion in a fresh worker; `signal` cancels it (the converted part is kept). */
export function convertInWorker(
  request: ConvertRequest,
  onProgress: (p: ConvertProgressWire) => void,
  signal?: AbortSignal,
): Promise<ConvertDone> {
  const worker = new Worker(new URL('./convert.worker.ts', import.meta.url), { type: 'module' });
  const cancel = () => worker.postMessage({ kind: 'cancel' });
  signal?.addEventListener('abort', cancel, { once: true });
  return new Promise<ConvertDone>((resolve, reject) => {
    worker.onmessage = (e: MessageEvent<FromConvertWorker>) => {
      const m = e.data;
      if (m.kind === 'progress') onProgress(m.progress);
      else if (m.kind === 'done') resolve(m.result);
      else reject(fromErrorInfo(m.error));
    };
    worker.onerror = (e) => reject(new Error(`the conversion worker failed: ${e.message}`));
    worker.postMessage({ kind: 'start', request });
  }).finally(() => {
    signal?.removeEventListener('abort', cancel);
    worker.terminate();
  });
}
