/**
 * Model files in the Origin Private File System: one folder per model under `deepeyes-models/`,
 * each file at its manifest path, and beside them (in `.records/`) a small JSON record per file:
 * what it should be (bytes, sha256), how much of it is written, and whether it was verified.
 * A file is usable only when its record says verified; anything else is a partial download to
 * resume or garbage to evict.
 *
 * Writes go through FileSystemSyncAccessHandle where it exists (dedicated workers: in-place,
 * fastest, flushable mid-file) and through createWritable elsewhere (commits on close only).
 */
import { ModelSourceError, StorageUnavailableError } from './errors';

export const OPFS_MODELS_FOLDER = 'deepeyes-models';
const RECORDS_FOLDER = '.records';

export interface FileRecord {
  path: string;
  expectedBytes: number;
  sha256: string;
  /** Bytes known to be durably written (a resume starts here at most). */
  bytesWritten: number;
  verified: boolean;
  /** Of a verified file: its sampled digest (sampled-digest.ts), compared on later loads. */
  sampled?: string;
}

export interface StoreWriter {
  readonly kind: 'sync' | 'writable';
  /** Absolute end of what this writer has written. */
  readonly position: number;
  /** How much of the file is on disk for sure (a crash keeps at least this much). */
  readonly durable: number;
  write(bytes: Uint8Array): Promise<void>;
  /** Makes what was written durable (sync handles); createWritable commits only on close. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** The subset of StorageManager delivery uses (persist() exists in windows only). */
export interface StorageManagerLike {
  getDirectory?(): Promise<FileSystemDirectoryHandle>;
  estimate?(): Promise<StorageEstimate>;
  persisted?(): Promise<boolean>;
  persist?(): Promise<boolean>;
}

/** Checks a manifest path (untrusted input) and splits it into folder names and a file name. */
export function splitModelPath(path: string): string[] {
  const parts = path.split('/');
  const bad = (p: string) => p === '' || p === '.' || p === '..' || p.includes('\\') || p.includes('\0');
  if (path.length > 512 || parts.some(bad)) {
    throw new ModelSourceError(
      `the manifest names an unsafe file path ${JSON.stringify(path)}; refusing to store it`,
    );
  }
  return parts;
}

/** A folder name for a model id (a URL, usually): reversible and free of '/', '.' and '..'. */
export function modelFolderName(modelId: string): string {
  return encodeURIComponent(modelId).replace(/\./g, '%2E').slice(0, 200) || 'model';
}

const recordName = (path: string) => `${encodeURIComponent(path).replace(/\./g, '%2E')}.json`;

type SyncCapableHandle = FileSystemFileHandle & {
  createSyncAccessHandle?: () => Promise<FileSystemSyncAccessHandle>;
};
type IterableDirectory = FileSystemDirectoryHandle & {
  values(): AsyncIterable<FileSystemFileHandle | FileSystemDirectoryHandle>;
};

function isNotFound(e: unknown): boolean {
  const name = (e as { name?: string } | null)?.name;
  return name === 'NotFoundError' || name === 'TypeMismatchError';
}

export class OpfsStore {
  private constructor(
    readonly modelId: string,
    private readonly root: FileSystemDirectoryHandle,
    private readonly dir: FileSystemDirectoryHandle,
  ) {}

  static isAvailable(storage: StorageManagerLike | undefined = globalThis.navigator?.storage): boolean {
    return typeof storage?.getDirectory === 'function';
  }

  static async open(
    modelId: string,
    storage: StorageManagerLike | undefined = globalThis.navigator?.storage,
  ): Promise<OpfsStore> {
    if (!storage?.getDirectory)
      throw new StorageUnavailableError('this browser has no navigator.storage.getDirectory');
    try {
      const opfs = await storage.getDirectory();
      const root = await opfs.getDirectoryHandle(OPFS_MODELS_FOLDER, { create: true });
      const dir = await root.getDirectoryHandle(modelFolderName(modelId), { create: true });
      return new OpfsStore(modelId, root, dir);
    } catch (e) {
      // Private windows and some embedded browsers refuse OPFS with a SecurityError.
      throw new StorageUnavailableError(`${(e as Error).name}: ${(e as Error).message}`);
    }
  }

  async getRecord(path: string): Promise<FileRecord | null> {
    try {
      const records = await this.dir.getDirectoryHandle(RECORDS_FOLDER);
      const file = await (await records.getFileHandle(recordName(path))).getFile();
      const rec = JSON.parse(await file.text()) as FileRecord;
      const sound =
        rec.path === path &&
        Number.isSafeInteger(rec.expectedBytes) &&
        Number.isSafeInteger(rec.bytesWritten) &&
        typeof rec.sha256 === 'string' &&
        typeof rec.verified === 'boolean';
      return sound ? rec : null;
    } catch (e) {
      if (isNotFound(e) || e instanceof SyntaxError) return null;
      throw e;
    }
  }

  async putRecord(rec: FileRecord): Promise<void> {
    const records = await this.dir.getDirectoryHandle(RECORDS_FOLDER, { create: true });
    const handle = await records.getFileHandle(recordName(rec.path), { create: true });
    await writeWhole(handle, new TextEncoder().encode(JSON.stringify(rec)));
  }

  /** Replaces a small file whole (the manifest kept for offline starts); not for weights. */
  async putSmallFile(path: string, bytes: Uint8Array): Promise<void> {
    await writeWhole(await this.fileHandle(path, true), bytes);
  }

  /** The stored file, or null when there is none. */
  async getFile(path: string): Promise<File | null> {
    try {
      return await (await this.fileHandle(path, false)).getFile();
    } catch (e) {
      if (isNotFound(e)) return null;
      throw e;
    }
  }

  async storedSize(path: string): Promise<number> {
    return (await this.getFile(path))?.size ?? 0;
  }

  /** A writer positioned at `offset`, the file cut to that length first (a stale tail is dropped). */
  async openWriter(path: string, offset: number): Promise<StoreWriter> {
    const handle = (await this.fileHandle(path, true)) as SyncCapableHandle;
    if (typeof handle.createSyncAccessHandle === 'function') {
      return SyncWriter.open(await handle.createSyncAccessHandle(), offset);
    }
    return WritableWriter.open(handle, offset);
  }

  /** Deletes the file and its record; missing ones are fine. */
  async evict(path: string): Promise<void> {
    const parts = splitModelPath(path);
    try {
      let dir = this.dir;
      for (const p of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(p);
      await dir.removeEntry(parts.at(-1)!);
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
    try {
      await (await this.dir.getDirectoryHandle(RECORDS_FOLDER)).removeEntry(recordName(path));
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }

  /** Every stored model file (not records), '/'-separated. */
  async paths(): Promise<string[]> {
    const out: string[] = [];
    const walk = async (dir: FileSystemDirectoryHandle, prefix: string) => {
      for await (const entry of (dir as IterableDirectory).values()) {
        if (prefix === '' && entry.name === RECORDS_FOLDER) continue;
        if (entry.kind === 'file') out.push(prefix + entry.name);
        else await walk(entry as FileSystemDirectoryHandle, `${prefix}${entry.name}/`);
      }
    };
    await walk(this.dir, '');
    return out.sort();
  }

  /** Removes this model's folder entirely. */
  async clear(): Promise<void> {
    await this.root.removeEntry(modelFolderName(this.modelId), { recursive: true });
  }

  private async fileHandle(path: string, create: boolean): Promise<FileSystemFileHandle> {
    const parts = splitModelPath(path);
    let dir = this.dir;
    for (const p of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(p, { create });
    return dir.getFileHandle(parts.at(-1)!, { create });
  }
}

/** Replaces a small file's content (records), by whichever write path the context offers. */
async function writeWhole(handle: FileSystemFileHandle, bytes: Uint8Array): Promise<void> {
  const h = handle as SyncCapableHandle;
  if (typeof h.createSyncAccessHandle === 'function') {
    const sync = await h.createSyncAccessHandle();
    try {
      sync.truncate(0);
      sync.write(bytes, { at: 0 });
      sync.flush();
    } finally {
      sync.close();
    }
    return;
  }
  const w = await handle.createWritable();
  await w.write(bytes as Uint8Array<ArrayBuffer>);
  await w.close();
}

class SyncWriter implements StoreWriter {
  readonly kind = 'sync';
  private closed = false;
  durable: number;
  private constructor(
    private readonly handle: FileSystemSyncAccessHandle,
    public position: number,
  ) {
    this.durable = position;
  }

  static open(handle: FileSystemSyncAccessHandle, offset: number): SyncWriter {
    try {
      handle.truncate(offset);
    } catch (e) {
      handle.close();
      throw e;
    }
    return new SyncWriter(handle, offset);
  }

  async write(bytes: Uint8Array): Promise<void> {
    const n = this.handle.write(bytes, { at: this.position });
    if (n !== bytes.length) {
      // A short write leaves a tail of unknown bytes: cut it so position stays the truth.
      this.handle.truncate(this.position);
      throw new DOMException(`wrote ${n} of ${bytes.length} bytes`, 'QuotaExceededError');
    }
    this.position += n;
  }

  async flush(): Promise<void> {
    this.handle.flush();
    this.durable = this.position;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      this.handle.flush();
      this.durable = this.position;
    } finally {
      this.handle.close();
    }
  }
}

class WritableWriter implements StoreWriter {
  readonly kind = 'writable';
  private closed = false;
  durable: number;
  private constructor(
    private readonly stream: FileSystemWritableFileStream,
    public position: number,
  ) {
    this.durable = position;
  }

  static async open(handle: FileSystemFileHandle, offset: number): Promise<WritableWriter> {
    const stream = await handle.createWritable({ keepExistingData: offset > 0 });
    await stream.truncate(offset);
    await stream.seek(offset);
    return new WritableWriter(stream, offset);
  }

  async write(bytes: Uint8Array): Promise<void> {
    await this.stream.write(bytes as Uint8Array<ArrayBuffer>);
    this.position += bytes.length;
  }

  async flush(): Promise<void> {
    // Nothing to do: a writable commits on close (reopening to flush would copy the whole file).
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.stream.close();
    this.durable = this.position;
  }
}
