/**
 * ModelFiles for the worker: over HTTP(S) with per-file progress, and over a dropped or picked
 * folder (File objects). Both keep what they read in memory only.
 */
import { ModelFileMissingError, type ModelFiles } from '../model/runtime/model-files';

export type FileProgressFn = (file: string, loadedBytes: number, totalBytes: number) => void;

export class FetchModelFiles implements ModelFiles {
  readonly id: string;
  private readonly base: string;

  constructor(
    baseUrl: string,
    private readonly onProgress?: FileProgressFn,
  ) {
    this.base = baseUrl.endsWith('/') ? baseUrl : baseUrl + '/';
    this.id = baseUrl;
  }

  async exists(path: string): Promise<boolean> {
    const r = await fetch(new URL(path, this.base), { method: 'HEAD' });
    // A server answering HTML for every path (a SPA fallback) does not have the file.
    return r.ok && !(r.headers.get('content-type') ?? '').includes('text/html');
  }

  async readBytes(path: string): Promise<Uint8Array> {
    const r = await fetch(new URL(path, this.base));
    if (!r.ok || (r.headers.get('content-type') ?? '').includes('text/html')) {
      throw new ModelFileMissingError(this.id, `${path} (HTTP ${r.status} ${r.headers.get('content-type') ?? ''})`);
    }
    const total = Number(r.headers.get('content-length') ?? 0);
    if (!r.body || !total) return new Uint8Array(await r.arrayBuffer());
    const out = new Uint8Array(total);
    const reader = r.body.getReader();
    let at = 0;
    let lastReport = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (at + value.length > total) throw new ModelFileMissingError(this.id, `${path} (longer than its Content-Length)`);
      out.set(value, at);
      at += value.length;
      if (at - lastReport > 1 << 20 || at === total) {
        this.onProgress?.(path, at, total);
        lastReport = at;
      }
    }
    if (at !== total) throw new ModelFileMissingError(this.id, `${path} (cut short at ${at} of ${total} bytes)`);
    this.onProgress?.(path, total, total);
    return out;
  }

  async readText(path: string): Promise<string> {
    return new TextDecoder().decode(await this.readBytes(path));
  }
}

/** A folder chosen by the user: paths are taken relative to the folder itself. */
export class FolderModelFiles implements ModelFiles {
  readonly id: string;
  private readonly byPath = new Map<string, File>();

  constructor(files: File[], label?: string) {
    for (const f of files) {
      const rel = (f as File & { webkitRelativePath?: string }).webkitRelativePath || f.name;
      const parts = rel.split('/');
      this.byPath.set(parts.length > 1 ? parts.slice(1).join('/') : rel, f);
    }
    const first = (files[0] as (File & { webkitRelativePath?: string }) | undefined)?.webkitRelativePath?.split('/')[0];
    this.id = label ?? first ?? 'local folder';
  }

  async exists(path: string): Promise<boolean> {
    return this.byPath.has(path);
  }

  async readBytes(path: string): Promise<Uint8Array> {
    const f = this.byPath.get(path);
    if (!f) throw new ModelFileMissingError(this.id, path);
    return new Uint8Array(await f.arrayBuffer());
  }

  async readText(path: string): Promise<string> {
    return new TextDecoder().decode(await this.readBytes(path));
  }
}
