/**
 * Where a conversion writes: Node files or the browser's Origin Private File System, behind one
 * small interface so the converter is the same code in both. The graph builder places weights
 * synchronously, so the byte-level calls are synchronous; the browser implementation
 * (opfs-output.ts) opens its sync access handles in `prepare()` beforehand. Paths are
 * '/'-separated and relative to the output folder.
 */
export interface ByteFile {
  /** Writes all of `bytes` at `at`. */
  write(bytes: Uint8Array, at: number): void;
  truncate(size: number): void;
  size(): number;
  /** Makes what was written durable. */
  flush(): void;
  close(): void;
}

export interface OutputFolder {
  /** For messages. */
  readonly label: string;
  /** Opens (async) what the next synchronous calls will touch: these files, and the listing of their folders. */
  prepare(paths: string[]): Promise<void>;
  /** File names directly in `dir` ('' for the root). */
  list(dir: string): string[];
  /** Size in bytes, or -1 when the file does not exist. */
  size(path: string): number;
  /** 'create' empties the file, 'keep' keeps its bytes. */
  open(path: string, mode: 'create' | 'keep'): ByteFile;
  remove(path: string): void;
  /** Replaces a file whole (graphs, side files, the manifest). */
  writeWhole(path: string, bytes: Uint8Array): Promise<void>;
  /** A whole file, or null when it does not exist. */
  read(path: string): Promise<Uint8Array | null>;
  /** The file's pieces in order, for hashing without holding it whole. */
  chunks(path: string): AsyncIterable<Uint8Array>;
  /** Releases handles (files opened by prepare() and never used are removed). */
  close(): Promise<void>;
}

export function dirOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

export function joinPath(dir: string, name: string): string {
  return dir ? `${dir}/${name}` : name;
}
