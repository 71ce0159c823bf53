/**
 * npx tsx scripts/synth-7b.ts --out DIR [--salt S] [--dtype bf16] [--shard-gb 4] [--preset deepeyes-7b]
 *
 * A complete synthetic DeepEyes-7B Hugging Face folder, laid out like the real one: config.json
 * (Qwen2.5-VL-7B-Instruct's), bf16 weights in 5 shards of at most 4 GB + model.safetensors.index.json
 * (16.6 GB), and the test tokenizer (tokenizer.json, tokenizer_config.json with the stock Qwen2.5-VL
 * chat template) so the converted folder loads in QwenVLEngine. The weights are the deterministic
 * golden formula with the given salt, so they are random: outputs are gibberish but every shape,
 * byte count and code path is the real model's.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { isPreset, parseMakeCheckpointArgs, writeCheckpointWithProgress } from '../src/cli/make-checkpoint';
import { formatBytes } from '../src/convert/convert-report';
import { qwen25vlTestTokenizerConfig, qwen25vlTestTokenizerJson } from '../src/convert/synth/test-tokenizer';

export const DEFAULT_SYNTH_SALT = 'deepeyes-synth-7b';

async function main(): Promise<number> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      out: { type: 'string' },
      salt: { type: 'string', default: DEFAULT_SYNTH_SALT },
      dtype: { type: 'string', default: 'bf16' },
      'shard-gb': { type: 'string', default: '4' },
      preset: { type: 'string', default: 'deepeyes-7b' },
    },
  });
  if (!values.out || !isPreset(values.preset ?? '')) {
    console.error(
      'usage: npx tsx scripts/synth-7b.ts --out DIR [--salt S] [--dtype bf16] [--shard-gb 4] [--preset deepeyes-7b|qwen25vl-3b]',
    );
    return 2;
  }
  const args = parseMakeCheckpointArgs([
    '--config',
    values.preset!,
    '--salt',
    values.salt!,
    '--out',
    values.out,
    '--dtype',
    values.dtype!,
    '--shard-gb',
    values['shard-gb']!,
  ]);
  const res = await writeCheckpointWithProgress(args);
  await writeFile(join(args.outDir, 'tokenizer.json'), JSON.stringify(qwen25vlTestTokenizerJson()));
  await writeFile(
    join(args.outDir, 'tokenizer_config.json'),
    JSON.stringify(qwen25vlTestTokenizerConfig(), null, 2),
  );
  console.log(
    `wrote ${res.tensorCount} tensors, ${formatBytes(res.totalSize)} (${args.dtype}) in ${res.files.length} ` +
      `file(s)${res.index ? ` + ${res.index}` : ''} + tokenizer to ${args.outDir} in ${res.seconds.toFixed(1)} s`,
  );
  // One machine-readable line for bench/convert-7b.ts.
  console.log(
    `SYNTH_RESULT ${JSON.stringify({ seconds: res.seconds, totalSize: res.totalSize, files: res.files })}`,
  );
  return 0;
}

process.exitCode = await main();
