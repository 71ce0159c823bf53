/** Node-only ModelFiles over a directory. */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve, basename } from 'node:path';
import { ModelFileMissingError, type ModelFiles } from './model-files';

export class DirModelFiles implements ModelFiles {
  readonly id: string;
  readonly dir: string;
  constructor(dir: string) {
    this.dir = resolve(dir);
    this.id = basename(this.dir);
  }
  async exists(path: string): Promise<boolean> {
    return existsSync(join(this.dir, path));
  }
  async readBytes(path: string): Promise<Uint8Array> {
    if (!existsSync(join(this.dir, path))) throw new ModelFileMissingError(this.id, path);
    return new Uint8Array(await readFile(join(this.dir, path)));
  }
  async readText(path: string): Promise<string> {
    return new TextDecoder().decode(await this.readBytes(path));
  }
  localPath(path: string): string {
    return join(this.dir, path);
  }
}
