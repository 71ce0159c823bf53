/**
 * Converts a Hugging Face checkpoint in the browser: the same converter the CLI runs, reading the
 * repo over Range requests (HubFiles) and writing to OPFS through sync access handles
 * (OpfsOutputFolder). Memory holds one tensor (large ones in row chunks) at a time. A journal in
 * OPFS lets a reload continue where the conversion stopped; cancel aborts the current request
 * and stops between tensors. The finished files are recorded as verified, so the model then
 * loads like any cached one.
 */
import { DeepEyesError, toErrorInfo } from '../base/errors';
import { convertModel } from '../convert/convert';
import { OpfsOutputFolder } from '../convert/opfs-output';
import { convertedModelKey, recordConvertedFiles } from '../delivery/converted';
import { isQuotaExceeded } from '../delivery/errors';
import { HubFiles } from '../delivery/hub/hub-files';
import { requireHubRef } from '../delivery/hub/hub-ref';
import { OPFS_MODELS_FOLDER, OpfsStore, modelFolderName } from '../delivery/opfs-store';
import type { OutputFolder } from '../convert/output';
import type { ConvertRequest, FromConvertWorker, ToConvertWorker } from './convert-protocol';

export class ConvertQuotaError extends DeepEyesError {
  constructor() {
    super('convert-quota', 'the browser ran out of storage space during the conversion.', {
      retryable: true,
      advice:
        'What was converted so far is kept: free disk space (or remove other models in the menu), ' +
        'then start again and it continues where it stopped.',
    });
  }
}

const post = (m: FromConvertWorker) => (self as unknown as Worker).postMessage(m);
let abort: AbortController | null = null;

self.onmessage = (e: MessageEvent<ToConvertWorker>) => {
  const m = e.data;
  if (m.kind === 'cancel') abort?.abort(new DOMException('conversion cancelled', 'AbortError'));
  else if (m.kind === 'start') void run(m.request);
};

async function run(req: ConvertRequest): Promise<void> {
  abort = new AbortController();
  const signal = abort.signal;
  try {
    const ref = requireHubRef(req.repo);
    const modelKey = convertedModelKey(ref.repo, ref.revision);
    const opfs = await navigator.storage.getDirectory();
    const models = await opfs.getDirectoryHandle(OPFS_MODELS_FOLDER, { create: true });
    const dir = await models.getDirectoryHandle(modelFolderName(modelKey), { create: true });
    const hub = new HubFiles(ref, { endpoint: req.endpoint, token: req.token, signal });
    const started = performance.now();
    let tensors = 0;
    let restored = 0;
    const result = await convertModel({
      source: hub,
      output: withQuota(new OpfsOutputFolder(dir, modelKey), req.quotaAfterBytes),
      dtypes: req.dtypes,
      chunkLimit: req.chunkLimit,
      modelId: ref.repo,
      resume: true,
      signal,
      onProgress: (p) => {
        if (p.phase === 'tensor' && p.restored) restored++;
        const s = (performance.now() - started) / 1000;
        const rate = p.bytesDone / Math.max(s, 1e-3);
        post({
          kind: 'progress',
          progress: {
            phase: p.phase,
            file: p.file,
            tensorsDone: p.tensorsDone,
            tensorsTotal: p.tensorsTotal,
            bytesDone: p.bytesDone,
            bytesTotal: p.bytesTotal,
            restored,
            downloadedBytes: hub.bytesRead,
            mbPerSecond: hub.bytesRead / 2 ** 20 / Math.max(s, 1e-3),
            etaSeconds: p.bytesDone > 0 && p.phase !== 'done' ? (p.bytesTotal - p.bytesDone) / rate : null,
          },
        });
        if (p.phase === 'tensor' && !p.restored && ++tensors === req.stopAfterTensors)
          abort?.abort(new DOMException('stopped for a test', 'AbortError'));
      },
    });
    const store = await OpfsStore.open(modelKey);
    await recordConvertedFiles(store, result.manifest);
    post({
      kind: 'done',
      result: {
        modelKey,
        files: result.manifest.files.map((f) => ({ path: f.path, bytes: f.bytes, sha256: f.sha256 })),
        restoredTensors: result.restoredTensors,
      },
    });
  } catch (e) {
    const err = isQuotaExceeded(e) ? new ConvertQuotaError() : e;
    post({ kind: 'error', error: toErrorInfo(err, signal.aborted ? 'aborted' : 'internal') });
  } finally {
    abort = null;
  }
}

/** Test hook: the folder as a disk that fills up after `limit` bytes (what Chromium throws then). */
function withQuota(folder: OutputFolder, limit: number | undefined): OutputFolder {
  if (limit === undefined) return folder;
  let written = 0;
  const check = (n: number) => {
    written += n;
    if (written > limit) throw new DOMException('the storage quota was exceeded', 'QuotaExceededError');
  };
  return {
    label: folder.label,
    prepare: (p) => folder.prepare(p),
    list: (d) => folder.list(d),
    size: (p) => folder.size(p),
    remove: (p) => folder.remove(p),
    read: (p) => folder.read(p),
    chunks: (p) => folder.chunks(p),
    close: () => folder.close(),
    writeWhole: async (p, bytes) => {
      check(bytes.length);
      await folder.writeWhole(p, bytes);
    },
    open: (p, mode) => {
      const f = folder.open(p, mode);
      return {
        ...f,
        write: (bytes, at) => {
          check(bytes.length);
          f.write(bytes, at);
        },
      };
    },
  };
}
