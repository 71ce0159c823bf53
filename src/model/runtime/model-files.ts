/**
 * A converted model folder, wherever it lives: a directory on disk (Node), a URL, OPFS or a folder
 * the user picked (browser). The runtime reads through this interface only.
 */
import { DeepEyesError } from '../../base/errors';
export interface ModelFiles {
  /** A human-readable id: the folder name or the URL. */
  readonly id: string;
  exists(path: string): Promise<boolean>;
  readBytes(path: string): Promise<Uint8Array>;
  readText(path: string): Promise<string>;
  /**
   * Node only: an absolute path onnxruntime-node can open itself (it then finds external data next
   * to the model file without copying it into JS memory).
   */
  localPath?(path: string): string;
}

export class ModelFileMissingError extends DeepEyesError {
  constructor(
    readonly modelId: string,
    readonly path: string,
  ) {
    super(
      'model_missing',
      `${modelId} has no file ${path}; convert the model with \`npm run convert\` or check the URL/folder`,
      { retryable: true },
    );
    this.name = 'ModelFileMissingError';
  }
}

/** Reads files from a Map (tests, in-memory folders, browser folder picks). */
export class MemoryModelFiles implements ModelFiles {
  constructor(
    readonly id: string,
    private readonly files: Map<string, Uint8Array>,
  ) {}
  async exists(path: string): Promise<boolean> {
    return this.files.has(path);
  }
  async readBytes(path: string): Promise<Uint8Array> {
    const f = this.files.get(path);
    if (!f) throw new ModelFileMissingError(this.id, path);
    return f;
  }
  async readText(path: string): Promise<string> {
    return new TextDecoder().decode(await this.readBytes(path));
  }
}

/** Reads a model served over HTTP(S) below `baseUrl` (no caching: see the download layer for that). */
export class UrlModelFiles implements ModelFiles {
  readonly id: string;
  constructor(private readonly baseUrl: string) {
    this.id = baseUrl;
  }
  private url(path: string): string {
    return new URL(path, this.baseUrl.endsWith('/') ? this.baseUrl : this.baseUrl + '/').href;
  }
  async exists(path: string): Promise<boolean> {
    const r = await fetch(this.url(path), { method: 'HEAD' });
    return r.ok;
  }
  async readBytes(path: string): Promise<Uint8Array> {
    const r = await fetch(this.url(path));
    if (!r.ok) throw new ModelFileMissingError(this.id, `${path} (HTTP ${r.status})`);
    return new Uint8Array(await r.arrayBuffer());
  }
  async readText(path: string): Promise<string> {
    return new TextDecoder().decode(await this.readBytes(path));
  }
}
