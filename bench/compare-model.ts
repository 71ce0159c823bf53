/**
 * The model of `npm run bench -- compare`: Qwen2.5-VL-3B's text decoder with 12 layers (~1B, as
 * bench/fused.ts) plus a small vision tower (4 blocks of 256, 2 of them full attention) so images
 * go through both runtimes' vision path; random weights from the golden generator, q4, the default
 * (fused) decoder graph. Built once into <cache>/qwen25vl-1b-vl-q4 (a bf16 checkpoint is written,
 * converted and deleted); a stamp of the config and the converter sources decides a rebuild.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { convertModel } from '../src/convert/convert';
import { SINGLE_FILE } from '../src/convert/safetensors/reader';
import { writeSafetensors } from '../src/convert/safetensors/writer';
import { syntheticTensors } from '../src/convert/synth/checkpoint';
import { oneBConfigText } from './fused';

const SALT = 'deepeyes-bench-1b-vl';
export const COMPARE_MODEL = 'qwen25vl-1b-vl-q4';

export function compareConfigText(): string {
  const c = JSON.parse(oneBConfigText()) as Record<string, unknown>;
  const vision = {
    ...(c.vision_config as Record<string, unknown>),
    depth: 4,
    hidden_size: 256,
    num_heads: 4,
    intermediate_size: 512,
    fullatt_block_indexes: [1, 3],
  };
  return JSON.stringify({ ...c, vision_config: vision }, null, 2) + '\n';
}

function sourcesHash(dir: string, h: ReturnType<typeof createHash>): void {
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = join(dir, e.name);
    if (e.isDirectory()) sourcesHash(p, h);
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) h.update(e.name).update(readFileSync(p));
  }
}

/** The cached model folder, built when missing or when the converter changed. */
export async function ensureCompareModel(cacheDir: string, log: (s: string) => void): Promise<string> {
  const configText = compareConfigText();
  const h = createHash('sha256').update(configText).update(SALT);
  sourcesHash(join(import.meta.dirname, '../src/convert'), h);
  const stamp = h.digest('hex');
  const dir = join(cacheDir, COMPARE_MODEL);
  const stampFile = join(cacheDir, `${COMPARE_MODEL}-stamp.txt`);
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp && existsSync(dir)) return dir;

  const hfDir = join(cacheDir, `${COMPARE_MODEL}-hf`);
  rmSync(hfDir, { recursive: true, force: true });
  await mkdir(hfDir, { recursive: true });
  await writeFile(join(hfDir, 'config.json'), configText);
  const tensors = syntheticTensors(configText, SALT, 'BF16');
  log(`building the compare model: writing a bf16 checkpoint (${tensors.length} tensors) ...`);
  await writeSafetensors(join(hfDir, SINGLE_FILE), tensors);
  log('converting it (q4, fused decoder graph) ...');
  rmSync(dir, { recursive: true, force: true });
  await convertModel({ hfDir, outDir: dir, dtypes: ['q4'], modelId: COMPARE_MODEL });
  rmSync(hfDir, { recursive: true, force: true });
  writeFileSync(stampFile, stamp);
  return dir;
}
