/** Node-only golden source over a directory. */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { GoldenSource } from './source';

export function dirGoldenSource(dir: string): GoldenSource {
  const root = resolve(dir);
  return { id: root, bytes: async (file) => new Uint8Array(await readFile(join(root, file))) };
}
