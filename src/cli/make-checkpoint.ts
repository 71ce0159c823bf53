/**
 * npx tsx src/cli/make-checkpoint.ts --config <config.json|preset> --salt S --out DIR
 *                                    [--dtype f32|f16|bf16] [--shard-gb 4]
 *
 * Writes a Hugging Face model folder whose weights are the deterministic golden weights
 * (golden/public/README.md section 1) for any Qwen2.5-VL config: the tiny golden one, or a
 * preset with a released model's exact shapes, so the converter and the runtime can be
 * exercised at full scale without downloading 16 GB. Streams tensor by tensor (a few MB of
 * memory); `--shard-gb` splits the weights like save_pretrained(max_shard_size=...).
 */
import { DeepEyesError } from '../base/errors';
import { readFile } from 'node:fs/promises';
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import {
  writeTinyCheckpoint,
  type CheckpointDtype,
  type TinyCheckpointResult,
} from '../convert/synth/checkpoint';
import { formatBytes } from '../convert/convert-report';

/**
 * Qwen2.5-VL-7B-Instruct's config.json (the architecture DeepEyes-7B keeps unchanged): 8,292,166,656
 * parameters, the figure Hugging Face lists for the released model.
 */
const QWEN25VL_7B_CONFIG: Record<string, unknown> = {
  architectures: ['Qwen2_5_VLForConditionalGeneration'],
  attention_dropout: 0.0,
  bos_token_id: 151643,
  eos_token_id: 151645,
  vision_start_token_id: 151652,
  vision_end_token_id: 151653,
  vision_token_id: 151654,
  image_token_id: 151655,
  video_token_id: 151656,
  hidden_act: 'silu',
  hidden_size: 3584,
  initializer_range: 0.02,
  intermediate_size: 18944,
  max_position_embeddings: 128000,
  max_window_layers: 28,
  model_type: 'qwen2_5_vl',
  num_attention_heads: 28,
  num_hidden_layers: 28,
  num_key_value_heads: 4,
  rms_norm_eps: 1e-6,
  rope_theta: 1000000.0,
  sliding_window: 32768,
  tie_word_embeddings: false,
  torch_dtype: 'bfloat16',
  transformers_version: '4.41.2',
  use_cache: true,
  use_sliding_window: false,
  vision_config: {
    depth: 32,
    hidden_act: 'silu',
    hidden_size: 1280,
    intermediate_size: 3420,
    num_heads: 16,
    in_chans: 3,
    out_hidden_size: 3584,
    patch_size: 14,
    spatial_merge_size: 2,
    spatial_patch_size: 14,
    window_size: 112,
    fullatt_block_indexes: [7, 15, 23, 31],
    tokens_per_second: 2,
    temporal_patch_size: 2,
  },
  rope_scaling: { type: 'mrope', mrope_section: [16, 24, 24] },
  vocab_size: 152064,
};

/** Qwen2.5-VL-3B-Instruct's config.json: 3,754,622,976 parameters, tied embeddings. */
const QWEN25VL_3B_CONFIG: Record<string, unknown> = {
  ...QWEN25VL_7B_CONFIG,
  hidden_size: 2048,
  intermediate_size: 11008,
  max_window_layers: 70,
  num_attention_heads: 16,
  num_hidden_layers: 36,
  num_key_value_heads: 2,
  tie_word_embeddings: true,
  vision_config: { ...(QWEN25VL_7B_CONFIG.vision_config as object), out_hidden_size: 2048 },
  vocab_size: 151936,
};

export const CHECKPOINT_PRESETS = {
  'deepeyes-7b': QWEN25VL_7B_CONFIG,
  'qwen25vl-3b': QWEN25VL_3B_CONFIG,
} as const;
export type CheckpointPreset = keyof typeof CHECKPOINT_PRESETS;

export function isPreset(name: string): name is CheckpointPreset {
  return Object.prototype.hasOwnProperty.call(CHECKPOINT_PRESETS, name);
}

/** A preset's config.json text (2-space JSON, as save_pretrained writes it). */
export function presetConfigText(name: CheckpointPreset): string {
  return JSON.stringify(CHECKPOINT_PRESETS[name], null, 2) + '\n';
}

export class MakeCheckpointUsageError extends DeepEyesError {
  constructor(detail: string) {
    super(
      'make_checkpoint_usage',
      `${detail}\nusage: npx tsx src/cli/make-checkpoint.ts --config <config.json|` +
        `${Object.keys(CHECKPOINT_PRESETS).join('|')}> --salt S --out DIR [--dtype f32|f16|bf16] [--shard-gb 4]`,
    );
    this.name = 'MakeCheckpointUsageError';
  }
}

export interface MakeCheckpointArgs {
  /** A preset name or the path of a config.json. */
  config: string;
  salt: string;
  outDir: string;
  dtype: CheckpointDtype;
  /** Bytes per shard (decimal GB, as save_pretrained counts); undefined: one model.safetensors. */
  shardBytes?: number;
}

const DTYPES: Record<string, CheckpointDtype> = { f32: 'F32', f16: 'F16', bf16: 'BF16' };

export function parseMakeCheckpointArgs(argv: string[]): MakeCheckpointArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        config: { type: 'string' },
        salt: { type: 'string' },
        out: { type: 'string' },
        dtype: { type: 'string', default: 'f32' },
        'shard-gb': { type: 'string' },
      },
    }));
  } catch (e) {
    throw new MakeCheckpointUsageError((e as Error).message);
  }
  if (!values.config) throw new MakeCheckpointUsageError('--config is required');
  if (values.salt === undefined || values.salt === '')
    throw new MakeCheckpointUsageError('--salt is required');
  if (!values.out) throw new MakeCheckpointUsageError('--out is required');
  const dtype = DTYPES[(values.dtype ?? 'f32').toLowerCase()];
  if (!dtype) throw new MakeCheckpointUsageError(`unknown --dtype ${values.dtype} (choose f32, f16 or bf16)`);
  let shardBytes: number | undefined;
  if (values['shard-gb'] !== undefined) {
    const gb = Number(values['shard-gb']);
    if (!Number.isFinite(gb) || gb <= 0)
      throw new MakeCheckpointUsageError('--shard-gb must be a positive number');
    shardBytes = Math.floor(gb * 1e9);
  }
  return { config: values.config, salt: values.salt, outDir: values.out, dtype, shardBytes };
}

/** config.json text of a preset name or a file path. */
export async function resolveConfigText(config: string): Promise<string> {
  return isPreset(config) ? presetConfigText(config) : readFile(config, 'utf8');
}

export interface MadeCheckpoint extends TinyCheckpointResult {
  seconds: number;
}

/** Writes the checkpoint with a progress bar on stderr; returns what was written and how long it took. */
export async function writeCheckpointWithProgress(args: MakeCheckpointArgs): Promise<MadeCheckpoint> {
  const bar = new cliProgress.SingleBar(
    {
      format: '{bar} {percentage}% | {done}/{total} | {tensors} tensors | eta {eta_formatted} | {tensor}',
      hideCursor: true,
      etaBuffer: 100,
    },
    cliProgress.Presets.shades_classic,
  );
  const t0 = performance.now();
  let started = false;
  try {
    const configText = await resolveConfigText(args.config);
    const res = await writeTinyCheckpoint(args.outDir, configText, args.salt, {
      dtype: args.dtype,
      shardBytes: args.shardBytes,
      onProgress: (p) => {
        const payload = {
          done: formatBytes(p.bytes),
          total: formatBytes(p.totalBytes),
          tensors: `${p.done}/${p.count}`,
          tensor: p.tensor,
        };
        if (!started) {
          bar.start(p.totalBytes, 0, payload);
          started = true;
        }
        bar.update(p.bytes, payload);
      },
    });
    return { ...res, seconds: (performance.now() - t0) / 1000 };
  } finally {
    bar.stop();
  }
}

export async function main(argv: string[]): Promise<number> {
  let args: MakeCheckpointArgs;
  try {
    args = parseMakeCheckpointArgs(argv);
  } catch (e) {
    if (e instanceof MakeCheckpointUsageError) {
      console.error(e.message);
      return 2;
    }
    throw e;
  }
  try {
    const res = await writeCheckpointWithProgress(args);
    console.log(
      `wrote ${res.tensorCount} tensors, ${formatBytes(res.totalSize)} (${args.dtype}) in ${res.files.length} ` +
        `file(s)${res.index ? ` + ${res.index}` : ''} to ${args.outDir} in ${res.seconds.toFixed(1)} s`,
    );
    return 0;
  } catch (e) {
    console.error(`\n${(e as Error).message}`);
    return 1;
  }
}

function isEntryPoint(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) process.exitCode = await main(process.argv.slice(2));
