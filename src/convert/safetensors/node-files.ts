/** CheckpointFiles over a local folder (Node): positional reads on file handles opened once. */
import { open, readFile, stat, type FileHandle } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { TruncatedSafetensorsError } from './errors';
import type { CheckpointFiles } from './source';

// Keeps each read call well under Node's 2 GiB limit per read().
const MAX_READ = 1 << 30;

export class NodeCheckpointFiles implements CheckpointFiles {
  readonly root: string;
  private readonly handles = new Map<string, Promise<FileHandle>>();

  constructor(root: string) {
    this.root = resolve(root);
  }

  get label(): string {
    return this.root;
  }

  location(name: string): string {
    return join(this.root, name);
  }

  async exists(name: string): Promise<boolean> {
    return stat(this.location(name)).then(
      (s) => s.isFile(),
      () => false,
    );
  }

  async readBytes(name: string): Promise<Uint8Array> {
    return new Uint8Array(await readFile(this.location(name)));
  }

  async size(name: string): Promise<number> {
    return (await stat(this.location(name))).size;
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
      h = open(this.location(name), 'r');
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
