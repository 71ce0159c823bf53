/**
 * OutputFolder in the Origin Private File System, for a conversion in a dedicated worker (where
 * FileSystemSyncAccessHandle exists). The converter places weights synchronously; OPFS opens
 * files asynchronously, so prepare() opens every file the next step may write beforehand (a
 * file it had to create is "provisional": invisible to list/size until written, deleted at
 * close if never used) and caches the listing of the folders named with a trailing '/'.
 * remove() is synchronous too: it empties the file at once and deletes it at close().
 */
import { dirOf, type ByteFile, type OutputFolder } from './output';

/** TypeScript's DOM types lack the async iteration of directory handles. */
type IterableDirectory = FileSystemDirectoryHandle & {
  values(): AsyncIterable<FileSystemHandle>;
};

interface Entry {
  handle: FileSystemSyncAccessHandle;
  provisional: boolean;
  used: boolean;
}

export class OpfsOutputFolder implements OutputFolder {
  private readonly open_ = new Map<string, Entry>();
  /** Known sizes of files not held open (from listings). */
  private readonly sizes = new Map<string, number>();
  private readonly removed = new Set<string>();

  constructor(
    private readonly root: FileSystemDirectoryHandle,
    readonly label: string,
  ) {}

  private async dir(path: string, create: boolean): Promise<FileSystemDirectoryHandle> {
    let d = this.root;
    for (const part of path.split('/').filter(Boolean)) d = await d.getDirectoryHandle(part, { create });
    return d;
  }

  async prepare(paths: string[]): Promise<void> {
    for (const p of paths) {
      if (p.endsWith('/')) {
        const dirPath = p.slice(0, -1);
        const d = await this.dir(dirPath, true);
        for await (const h of (d as IterableDirectory).values()) {
          const full = dirPath ? `${dirPath}/${h.name}` : h.name;
          if (h.kind === 'file' && !this.open_.has(full))
            this.sizes.set(full, (await (h as FileSystemFileHandle).getFile()).size);
        }
        continue;
      }
      if (this.open_.has(p)) continue;
      const d = await this.dir(dirOf(p), true);
      const name = p.slice(p.lastIndexOf('/') + 1);
      let existed = true;
      let fh: FileSystemFileHandle;
      try {
        fh = await d.getFileHandle(name);
      } catch {
        existed = false;
        fh = await d.getFileHandle(name, { create: true });
      }
      const handle = await fh.createSyncAccessHandle();
      this.open_.set(p, { handle, provisional: !existed && !this.removed.has(p), used: false });
      this.sizes.delete(p);
    }
  }

  private visible(path: string): boolean {
    const e = this.open_.get(path);
    if (this.removed.has(path)) return false;
    return e ? !e.provisional || e.used : this.sizes.has(path);
  }

  list(dir: string): string[] {
    const prefix = dir ? `${dir}/` : '';
    const names = new Set<string>();
    for (const p of [...this.open_.keys(), ...this.sizes.keys()]) {
      if (!p.startsWith(prefix) || p.slice(prefix.length).includes('/')) continue;
      if (this.visible(p)) names.add(p.slice(prefix.length));
    }
    return [...names].sort();
  }

  size(path: string): number {
    if (!this.visible(path)) return -1;
    const e = this.open_.get(path);
    return e ? e.handle.getSize() : (this.sizes.get(path) ?? -1);
  }

  open(path: string, mode: 'create' | 'keep'): ByteFile {
    const e = this.open_.get(path);
    if (!e)
      throw new Error(`OPFS output: ${path} was not prepared before a synchronous open (a converter bug)`);
    e.used = true;
    this.removed.delete(path);
    const h = e.handle;
    if (mode === 'create') h.truncate(0);
    return {
      write(bytes, at) {
        let done = 0;
        while (done < bytes.byteLength) done += h.write(bytes.subarray(done), { at: at + done });
      },
      truncate: (size) => h.truncate(size),
      size: () => h.getSize(),
      flush: () => h.flush(),
      // The handle stays open (and locked) until the folder closes; a later open reuses it.
      close: () => h.flush(),
    };
  }

  remove(path: string): void {
    const e = this.open_.get(path);
    if (e) e.handle.truncate(0);
    this.sizes.delete(path);
    this.removed.add(path);
  }

  async writeWhole(path: string, bytes: Uint8Array): Promise<void> {
    await this.release(path);
    const d = await this.dir(dirOf(path), true);
    const fh = await d.getFileHandle(path.slice(path.lastIndexOf('/') + 1), { create: true });
    const h = await fh.createSyncAccessHandle();
    try {
      h.truncate(0);
      let done = 0;
      while (done < bytes.byteLength) done += h.write(bytes.subarray(done), { at: done });
      h.flush();
    } finally {
      h.close();
    }
    this.removed.delete(path);
    this.sizes.set(path, bytes.byteLength);
  }

  async read(path: string): Promise<Uint8Array | null> {
    const e = this.open_.get(path);
    if (e) {
      if (!this.visible(path)) return null;
      const out = new Uint8Array(e.handle.getSize());
      e.handle.read(out, { at: 0 });
      return out;
    }
    const f = await this.file(path);
    return f ? new Uint8Array(await f.arrayBuffer()) : null;
  }

  async *chunks(path: string): AsyncIterable<Uint8Array> {
    await this.release(path);
    const f = await this.file(path);
    if (!f) return;
    const reader = f.stream().getReader();
    for (let r = await reader.read(); !r.done; r = await reader.read()) yield r.value;
  }

  private async file(path: string): Promise<File | null> {
    if (this.removed.has(path)) return null;
    try {
      const d = await this.dir(dirOf(path), false);
      return await (await d.getFileHandle(path.slice(path.lastIndexOf('/') + 1))).getFile();
    } catch {
      return null;
    }
  }

  /** Closes a held handle (a sync handle locks the file against other readers and writers). */
  private async release(path: string): Promise<void> {
    const e = this.open_.get(path);
    if (!e) return;
    const keep = this.visible(path);
    this.open_.delete(path);
    const size = e.handle.getSize();
    e.handle.flush();
    e.handle.close();
    if (!keep || this.removed.has(path)) await this.delete(path);
    else this.sizes.set(path, size);
  }

  private async delete(path: string): Promise<void> {
    try {
      const d = await this.dir(dirOf(path), false);
      await d.removeEntry(path.slice(path.lastIndexOf('/') + 1));
    } catch {
      // already gone
    }
    this.sizes.delete(path);
  }

  async close(): Promise<void> {
    for (const p of [...this.open_.keys()]) await this.release(p);
    for (const p of this.removed) await this.delete(p);
    this.removed.clear();
  }
}
