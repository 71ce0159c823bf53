/**
 * CheckpointFiles over a local folder (Node): positional reads on file handles opened once.
 * Node's modules come from process.getBuiltinModule, not imports, so browser bundles that reach
 * this file through the shared converter stay free of node:fs (it is never called there).
 */
import type { FileHandle } from 'node:fs/promises';
import type * as FsPromisesT from 'node:fs/promises';
import type * as PathT from 'node:path';
import { CheckpointNotFoundError, TruncatedSafetensorsError } from './errors';
import { SafetensorsReader, type OpenOptions } from './reader';
import type { CheckpointFiles } from './source';

const fsp = () => process.getBuiltinModule('node:fs/promises') as typeof FsPromisesT;
const path = () => process.getBuiltinModule('node:path') as typeof PathT;

/** A local checkpoint: a .safetensors file, an index .json, or a model folder. */
export async function openLocalCheckpoint(
  where: string,
  options: OpenOptions = {},
): Promise<SafetensorsReader> {
  const abs = path().resolve(where);
  const st = await fsp()
    .stat(abs)
    .catch(() => undefined);
  if (!st) throw new CheckpointNotFoundError(abs);
  const files = new NodeCheckpointFiles(st.isDirectory() ? abs : path().dirname(abs));
  try {
    return await SafetensorsReader.openFiles(
      files,
      options,
      st.isDirectory() ? undefined : path().basename(abs),
    );
  } catch (e) {
    await files.close();
    throw e;
  }
}

// Keeps each read call well under Node's 2 GiB limit per read().
const MAX_READ = 1 << 30;

export class NodeCheckpointFiles implements CheckpointFiles {
  readonly root: string;
  private readonly handles = new Map<string, Promise<FileHandle>>();

  constructor(root: string) {
    this.root = path().resolve(root);
  }

  get label(): string {
    return this.root;
  }

  location(name: string): string {
    return path().join(this.root, name);
  }

  async exists(name: string): Promise<boolean> {
    return fsp()
      .stat(this.location(name))
      .then(
        (s) => s.isFile(),
        () => false,
      );
  }

  async readBytes(name: string): Promise<Uint8Array> {
    return new Uint8Array(await fsp().readFile(this.location(name)));
  }

  async size(name: string): Promise<number> {
    return (await fsp().stat(this.location(name))).size;
  }

  async readRange(name: string, offset: number, into: Uint8Array): Promise<void> {
    const fh = await this.handle(name);
    let done = 0;
    while (done < into.byteLength) {
      const len = Math.min(MAX_READ, into.byteLength - done);
      const { bytesRead } = await fh.read(into, done, len, offset + done);
      if (bytesRead === 0)
        throw new TruncatedSafetensorsError(this.location(name), `reading stopped at byte ${offset + done}`);
      done += bytesRead;
    }
  }

  private handle(name: string): Promise<FileHandle> {
    let h = this.handles.get(name);
    if (!h) {
      h = fsp().open(this.location(name), 'r');
      this.handles.set(name, h);
      h.catch(() => this.handles.delete(name));
    }
    return h;
  }

  async close(): Promise<void> {
    const hs = [...this.handles.values()];
    this.handles.clear();
    await Promise.all(hs.map((h) => h.then((fh) => fh.close()).catch(() => undefined)));
  }
}
