/**
 * ModelFiles for the browser: a model downloaded into OPFS (or held in memory when storage is
 * full), a folder the user picked or dropped (the offline path), and the parsing of what the
 * user typed as a model location.
 */
import type { ManifestFile } from '../base/model-manifest';
import { ModelFileMissingError, type ModelFiles } from '../model/runtime/model-files';
import { sha256Hex } from '../base/sha256';
import { sampledDigestOfBytes } from './sampled-digest';
import { blobBytes } from './blob-bytes';
import type { DeliveredFile } from './downloader';
import { IntegrityError, LocalFileDamagedError, ModelSourceError } from './errors';
import type { DeliveryEventSink } from './events';
import { parseManifest } from './manifest-fetch';
import { MANIFEST_FILE } from '../base/model-manifest';
import type { OpfsStore } from './opfs-store';

/** Where a model comes from: the one definition the UI, the page and the worker share. */
export type ModelSource =
  /** A model of the app's catalog, by id: the app knows where its converted copy lives. */
  | { kind: 'catalog'; id: string }
  /** A Hugging Face repo ("org/repo", "org/repo@rev") or a folder URL, absolute or relative: see resolveModelUrl. */
  | { kind: 'url'; url: string; label?: string }
  /** Files of a converted model folder the user picked or dropped (the offline path). */
  | { kind: 'files'; files: File[]; label?: string }
  /** A model converted in this browser from a hub checkpoint (convert.worker.ts), kept in OPFS under `key`. */
  | { kind: 'converted'; key: string; label?: string }
  /** An OpenAI-compatible chat server (vLLM, SGLang, `npm run serve`); the key goes to that host only. */
  | { kind: 'server'; baseUrl: string; model: string; apiKey?: string };

/** What the worker can load by itself: a catalog id is turned into its URL first; servers run on the page. */
export type LoadableSource = Exclude<ModelSource, { kind: 'catalog' } | { kind: 'server' }>;

export interface OpfsModelFilesOptions {
  /**
   * How a file is checked as it is read. 'sampled' (default): its length and the sampled digest
   * stored when it was verified (cheap; a file without one gets the full check). 'full': SHA-256
   * of every byte (on demand). false: length only. After a failed check the file is fetched again
   * and then always fully checked.
   */
  verifyOnRead?: 'sampled' | 'full' | false;
  /** Downloads a file again after it failed that check (the downloader's ensureFile). */
  refetch?: (path: string) => Promise<DeliveredFile>;
  /** Small files held as bytes (the manifest itself). */
  extra?: Map<string, Uint8Array>;
  onEvent?: DeliveryEventSink;
}

/** Files that were downloaded and verified: read from OPFS, or from memory where quota ran out. */
export class OpfsModelFiles implements ModelFiles {
  private readonly files: Map<string, DeliveredFile>;

  constructor(
    readonly id: string,
    private readonly store: OpfsStore | null,
    delivered: DeliveredFile[],
    private readonly opts: OpfsModelFilesOptions = {},
  ) {
    this.files = new Map(delivered.map((f) => [f.path, f]));
  }

  /** True when some file lives in memory only (it will be downloaded again next visit). */
  get fromMemory(): boolean {
    return [...this.files.values()].some((f) => f.memory);
  }

  async exists(path: string): Promise<boolean> {
    return this.files.has(path) || (this.opts.extra?.has(path) ?? false);
  }

  async readBytes(path: string): Promise<Uint8Array> {
    return this.read(path, true);
  }

  async readText(path: string): Promise<string> {
    return new TextDecoder().decode(await this.readBytes(path));
  }

  /** The file as a sequence of pieces, for consumers that need not hold it whole. */
  async *readChunks(path: string): AsyncGenerator<Uint8Array> {
    const f = this.files.get(path);
    if (f?.memory) {
      yield* f.memory.chunks();
      return;
    }
    if (!f) {
      yield await this.readBytes(path);
      return;
    }
    const file = await this.store?.getFile(path);
    if (!file) throw new ModelFileMissingError(this.id, path);
    const reader = file.stream().getReader();
    for (let r = await reader.read(); !r.done; r = await reader.read()) yield r.value;
  }

  private async read(path: string, mayRefetch: boolean): Promise<Uint8Array> {
    const small = this.opts.extra?.get(path);
    if (small) return small;
    const f = this.files.get(path);
    if (!f) throw new ModelFileMissingError(this.id, path);
    if (f.memory) return f.memory.toBytes();
    const file = await this.store?.getFile(path);
    const bytes = file ? await blobBytes(file) : null;
    const mode = mayRefetch ? (this.opts.verifyOnRead ?? 'sampled') : 'full';
    let got: string | null = null;
    if (bytes && bytes.length === f.bytes && mode !== false) {
      const sampled = mode === 'sampled' ? (await this.store?.getRecord(path))?.sampled : undefined;
      if (sampled) {
        if ((await sampledDigestOfBytes(bytes)) === sampled) return bytes;
        got = 'a different sampled digest';
      } else got = await sha256Hex(bytes);
    }
    if (bytes && bytes.length === f.bytes && (got === null || got === f.sha256)) return bytes;
    await this.store?.evict(path);
    this.opts.onEvent?.({
      kind: 'notice',
      code: 'corrupt-cache-evicted',
      path,
      message: `the cached ${path} was damaged or deleted since it was downloaded: downloading it again`,
    });
    if (!mayRefetch || !this.opts.refetch)
      throw new IntegrityError(path, f.sha256, got ?? `${bytes?.length ?? 0} bytes`);
    this.files.set(path, await this.opts.refetch(path));
    return this.read(path, false);
  }
}

export interface FolderEntry {
  /** Relative to the model folder, '/'-separated. */
  path: string;
  file: File;
}

export interface LocalFolderOptions {
  /** Check each file against the folder's deepeyes-manifest.json (size and SHA-256). Default true. */
  verify?: boolean;
  label?: string;
}

type Lookup = (path: string) => Promise<File | null>;

/**
 * A converted model folder on the user's disk: a FileSystemDirectoryHandle (showDirectoryPicker;
 * it can be posted to a worker) or the File objects of a folder drop / <input webkitdirectory>.
 * Nothing is downloaded and nothing is copied into storage.
 */
export class LocalFolderModelFiles implements ModelFiles {
  private manifest: Promise<Map<string, ManifestFile> | null> | undefined;

  private constructor(
    readonly id: string,
    private readonly lookup: Lookup,
    private readonly opts: LocalFolderOptions,
  ) {}

  static fromDirectory(dir: FileSystemDirectoryHandle, opts: LocalFolderOptions = {}): LocalFolderModelFiles {
    const lookup: Lookup = async (path) => {
      const parts = path.split('/');
      if (parts.some((p) => p === '' || p === '.' || p === '..')) return null;
      try {
        let d = dir;
        for (const p of parts.slice(0, -1)) d = await d.getDirectoryHandle(p);
        return await (await d.getFileHandle(parts.at(-1)!)).getFile();
      } catch (e) {
        const name = (e as { name?: string }).name;
        if (name === 'NotFoundError' || name === 'TypeMismatchError' || name === 'TypeError') return null;
        throw e;
      }
    };
    return new LocalFolderModelFiles(opts.label ?? dir.name, lookup, opts);
  }

  /**
   * From dropped or picked files. Paths come from `webkitRelativePath` ("folder/onnx/x.onnx") or
   * are given; the model folder is where deepeyes-manifest.json sits (so dropping a parent folder
   * works), else the common top folder is dropped.
   */
  static fromFiles(
    files: Iterable<File | FolderEntry>,
    opts: LocalFolderOptions = {},
  ): LocalFolderModelFiles {
    const entries = [...files].map((f) =>
      f instanceof File
        ? { path: (f as File & { webkitRelativePath?: string }).webkitRelativePath || f.name, file: f }
        : f,
    );
    if (entries.length === 0)
      throw new ModelSourceError('the dropped folder is empty; drop the converted model folder');
    const manifests = entries
      .map((e) => e.path)
      .filter((p) => p === MANIFEST_FILE || p.endsWith(`/${MANIFEST_FILE}`))
      .sort((a, b) => a.split('/').length - b.split('/').length);
    let root = manifests.length ? manifests[0].slice(0, -MANIFEST_FILE.length) : '';
    if (!manifests.length) {
      const tops = new Set(entries.map((e) => (e.path.includes('/') ? e.path.split('/')[0] : '')));
      if (tops.size === 1 && !tops.has('')) root = `${[...tops][0]}/`;
    }
    const byPath = new Map<string, File>();
    for (const e of entries) if (e.path.startsWith(root)) byPath.set(e.path.slice(root.length), e.file);
    const label = opts.label ?? (root.replace(/\/$/, '').split('/').at(-1) || 'local folder');
    return new LocalFolderModelFiles(label, async (path) => byPath.get(path) ?? null, opts);
  }

  async exists(path: string): Promise<boolean> {
    return (await this.lookup(path)) !== null;
  }

  async readBytes(path: string): Promise<Uint8Array> {
    const file = await this.lookup(path);
    if (!file) throw new ModelFileMissingError(this.id, path);
    const bytes = await blobBytes(file);
    if (this.opts.verify === false || path === MANIFEST_FILE) return bytes;
    const expected = (await this.loadManifest())?.get(path);
    if (!expected) return bytes;
    if (bytes.length !== expected.bytes) {
      throw new LocalFileDamagedError(this.id, path, `${bytes.length} bytes, expected ${expected.bytes}`);
    }
    const got = await sha256Hex(bytes);
    if (got !== expected.sha256)
      throw new LocalFileDamagedError(this.id, path, `SHA-256 ${got.slice(0, 12)}…`);
    return bytes;
  }

  async readText(path: string): Promise<string> {
    return new TextDecoder().decode(await this.readBytes(path));
  }

  private loadManifest(): Promise<Map<string, ManifestFile> | null> {
    this.manifest ??= (async () => {
      const file = await this.lookup(MANIFEST_FILE);
      if (!file) return null;
      const m = parseManifest(await file.text(), `${this.id}/${MANIFEST_FILE}`);
      return new Map(m.files.map((f) => [f.path, f]));
    })();
    return this.manifest;
  }
}

const HF_HOSTS = new Set(['huggingface.co', 'www.huggingface.co', 'hf.co']);
const HF_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * Turns what the user typed into the folder URL the manifest paths hang below (ends with '/'):
 *   "org/repo", "org/repo@rev"                 -> https://huggingface.co/org/repo/resolve/main|rev/
 *   "https://huggingface.co/org/repo[/tree/rev/sub]" -> .../resolve/rev/sub/
 *   "https://host/path/", "./models/tiny"       -> that folder (relative ones against `base`)
 * A URL naming deepeyes-manifest.json means its folder. Other schemes are refused.
 */
export function resolveModelUrl(input: string, base: string | undefined = globalThis.location?.href): string {
  const text = input.trim();
  if (!text) throw new ModelSourceError('no model given: enter a Hugging Face repo (org/name) or a URL');
  const bare = /^([^/@:\s]+)\/([^/@:\s]+)(?:@([^\s]+))?$/.exec(text);
  if (bare && !text.startsWith('.') && HF_NAME.test(bare[1]) && HF_NAME.test(bare[2])) {
    return hfResolveUrl([bare[1], bare[2]], bare[3] ?? 'main', []);
  }
  let url: URL;
  try {
    url = new URL(text, base);
  } catch {
    throw new ModelSourceError(
      `${JSON.stringify(input)} is neither a Hugging Face repo (org/name) nor a URL`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ModelSourceError(`${url.protocol} URLs cannot hold a model; use https://`);
  }
  if (HF_HOSTS.has(url.hostname)) return fromHfUrl(url);
  url.search = '';
  url.hash = '';
  if (url.pathname.endsWith(`/${MANIFEST_FILE}`)) url.pathname = url.pathname.slice(0, -MANIFEST_FILE.length);
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url.href;
}

function fromHfUrl(url: URL): string {
  const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const kind = parts[0] === 'datasets' || parts[0] === 'spaces' ? parts.shift()! : null;
  const [org, repo, action, rev, ...rest] = parts;
  if (!org || !repo || !HF_NAME.test(org) || !HF_NAME.test(repo)) {
    throw new ModelSourceError(
      `${url.href} does not name a Hugging Face repo (https://huggingface.co/org/name)`,
    );
  }
  const repoPath = kind ? [kind, org, repo] : [org, repo];
  if (action === undefined) return hfResolveUrl(repoPath, 'main', []);
  if (action !== 'resolve' && action !== 'tree' && action !== 'blob') {
    throw new ModelSourceError(`${url.href}: expected a repo URL or one with /tree/<revision>/`);
  }
  // A blob/resolve URL names a file: the model folder is the one holding it.
  const sub = action === 'tree' ? rest : rest.slice(0, -1);
  return hfResolveUrl(repoPath, rev ?? 'main', sub);
}

function hfResolveUrl(repoPath: string[], rev: string, sub: string[]): string {
  const seg = (s: string[]) => s.map(encodeURIComponent).join('/');
  return `https://huggingface.co/${seg(repoPath)}/resolve/${encodeURIComponent(rev)}/${sub.length ? `${seg(sub)}/` : ''}`;
}
