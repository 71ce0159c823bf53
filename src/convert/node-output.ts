/**
 * OutputFolder over a local folder (Node): plain synchronous and promise file calls. Node's
 * modules are taken with process.getBuiltinModule rather than imported, so browser bundles that
 * reach this file through the shared converter stay free of node:fs (it is never called there).
 */
import type * as FsT from 'node:fs';
import type * as FsPromisesT from 'node:fs/promises';
import type * as PathT from 'node:path';
import type { ByteFile, OutputFolder } from './output';

const fs = () => process.getBuiltinModule('node:fs') as typeof FsT;
const fsp = () => process.getBuiltinModule('node:fs/promises') as typeof FsPromisesT;
const path = () => process.getBuiltinModule('node:path') as typeof PathT;

export class NodeOutputFolder implements OutputFolder {
  readonly root: string;
  constructor(root: string) {
    this.root = path().resolve(root);
  }

  get label(): string {
    return this.root;
  }

  private abs(rel: string): string {
    return path().join(this.root, rel);
  }

  async prepare(): Promise<void> {}

  list(dir: string): string[] {
    const d = this.abs(dir);
    return fs().existsSync(d) ? fs().readdirSync(d) : [];
  }

  size(rel: string): number {
    const p = this.abs(rel);
    return fs().existsSync(p) ? fs().statSync(p).size : -1;
  }

  open(rel: string, mode: 'create' | 'keep'): ByteFile {
    const f = fs();
    const p = this.abs(rel);
    f.mkdirSync(path().dirname(p), { recursive: true });
    const fd = f.openSync(p, mode === 'keep' && f.existsSync(p) ? 'r+' : 'w');
    return {
      write(bytes, at) {
        let done = 0;
        while (done < bytes.byteLength)
          done += f.writeSync(fd, bytes, done, Math.min(bytes.byteLength - done, 1 << 30), at + done);
      },
      truncate: (size) => f.ftruncateSync(fd, size),
      size: () => f.fstatSync(fd).size,
      flush: () => f.fsyncSync(fd),
      close: () => f.closeSync(fd),
    };
  }

  remove(rel: string): void {
    fs().rmSync(this.abs(rel), { force: true });
  }

  async writeWhole(rel: string, bytes: Uint8Array): Promise<void> {
    const p = this.abs(rel);
    await fsp().mkdir(path().dirname(p), { recursive: true });
    await fsp().writeFile(`${p}.tmp`, bytes);
    await fsp().rename(`${p}.tmp`, p);
  }

  async read(rel: string): Promise<Uint8Array | null> {
    const p = this.abs(rel);
    return fs().existsSync(p) ? new Uint8Array(await fsp().readFile(p)) : null;
  }

  async *chunks(rel: string): AsyncIterable<Uint8Array> {
    for await (const c of fs().createReadStream(this.abs(rel), { highWaterMark: 8 << 20 }))
      yield c as Uint8Array;
  }

  async close(): Promise<void> {}
}
