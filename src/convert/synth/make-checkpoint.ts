/**
 * Entry point behind the "make a synthetic checkpoint" CLI: reads a config.json and writes a
 * model folder with the deterministic golden weights (see checkpoint.ts).
 */
import { readFile } from 'node:fs/promises';
import {
  type CheckpointDtype,
  type TinyCheckpointResult,
  type CheckpointProgress,
  writeTinyCheckpoint,
} from './checkpoint';

export interface MakeCheckpointOptions {
  /** Path of the HF config.json to copy and derive tensor shapes from. */
  configPath: string;
  outDir: string;
  /** Weight salt; the public golden set uses `deepeyes-public-29` (golden salt.txt). */
  salt: string;
  dtype?: CheckpointDtype;
  /** Bytes per shard, e.g. 5e9 as save_pretrained's default; omit for one model.safetensors. */
  shardBytes?: number;
  onProgress?: (p: CheckpointProgress) => void;
}

export async function makeCheckpoint(options: MakeCheckpointOptions): Promise<TinyCheckpointResult> {
  const configText = await readFile(options.configPath, 'utf8');
  return writeTinyCheckpoint(options.outDir, configText, options.salt, {
    dtype: options.dtype,
    shardBytes: options.shardBytes,
    onProgress: options.onProgress,
  });
}

export { writeTinyCheckpoint };
export type { CheckpointDtype, CheckpointProgress, TinyCheckpointResult };
