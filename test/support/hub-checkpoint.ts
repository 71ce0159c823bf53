/**
 * The checkpoint the hub tests serve: NOT the default golden config (2 text layers instead of 3,
 * tied embeddings so there is no lm_head, bfloat16 storage, sharded with an index), so the
 * hub route is proved on a layout the other tests do not cover. Deterministic weights from the
 * project's generator (src/convert/synth), written once per folder.
 */
import { copyFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeTinyCheckpoint } from '../../src/convert/synth';
import {
  qwen25vlTestTokenizerConfig,
  qwen25vlTestTokenizerJson,
} from '../../src/convert/synth/test-tokenizer';
import { GoldenSet } from './golden-set';

export function hubTestConfig(): Record<string, unknown> {
  const golden = GoldenSet.publicSet();
  const cfg = JSON.parse(golden.text('config.json')) as Record<string, unknown>;
  return {
    ...cfg,
    num_hidden_layers: 2,
    max_window_layers: 2,
    tie_word_embeddings: true,
    torch_dtype: 'bfloat16',
  };
}

/** Writes the checkpoint into `dir` (config, 2+ shards + index, chat template, tokenizer) unless it is there. */
export async function makeHubCheckpoint(dir: string): Promise<string> {
  if (existsSync(join(dir, 'tokenizer.json'))) return dir;
  const golden = GoldenSet.publicSet();
  await writeTinyCheckpoint(dir, hubTestConfig(), golden.salt, { dtype: 'BF16', shardBytes: 24 << 20 });
  copyFileSync(join(golden.dir, 'chat_template.jinja'), join(dir, 'chat_template.jinja'));
  // The tokenizer last: its presence is what marks a finished folder for reuse.
  writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify(qwen25vlTestTokenizerConfig()));
  writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(qwen25vlTestTokenizerJson()));
  return dir;
}
