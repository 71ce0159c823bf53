/**
 * The bundled tiny model (public/models/tiny) as the Files a folder picker gives, and the real
 * model host on onnxruntime-node behind an in-process Worker: page-side code tested in Node
 * against the real worker code and a real model.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import * as ortNode from 'onnxruntime-node';
import type { LoadableSource } from '../../src/delivery/model-source';
import { ModelHost } from '../../src/worker/model-host';
import { inProcessWorker, type InProcessWorker } from './in-process-worker';

const TINY = resolve(import.meta.dirname, '../../public/models/tiny');

export async function tinyModelFolder(): Promise<LoadableSource & { kind: 'files' }> {
  const files: File[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const e of await readdir(dir, { withFileTypes: true })) {
      const full = join(dir, e.name);
      if (e.isDirectory()) await walk(full);
      else {
        const f = new File([await readFile(full)], e.name);
        // What a folder picker gives: the path inside the picked folder.
        Object.defineProperty(f, 'webkitRelativePath', { value: `tiny/${relative(TINY, full)}` });
        files.push(f);
      }
    }
  };
  await walk(TINY);
  return { kind: 'files', files, label: 'tiny' };
}

/** A Worker running the real ModelHost on the CPU (onnxruntime-node) in this thread. */
export function nodeHostWorker(): InProcessWorker {
  return inProcessWorker((post) => new ModelHost(post, { offGpu: { ort: ortNode, target: 'cpu' } }));
}

/** Resolves once `w` was sent a message of this kind. */
export async function sentKind(w: () => InProcessWorker | undefined, kind: string): Promise<void> {
  while (!w()?.sent.some((m) => m.kind === kind)) await new Promise((r) => setTimeout(r, 1));
}
