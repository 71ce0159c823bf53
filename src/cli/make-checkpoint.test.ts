/** The make-checkpoint CLI: presets against the released models' figures, arguments, one real run. */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GoldenSet } from '../../test/support/golden-set';
import { parseQwenVLConfig } from '../model/config';
import { qwenVLTensorShapes } from '../convert/synth/tensor-list';
import {
  CHECKPOINT_PRESETS,
  MakeCheckpointUsageError,
  main,
  parseMakeCheckpointArgs,
  presetConfigText,
} from './make-checkpoint';

const paramCount = (config: string) =>
  qwenVLTensorShapes(parseQwenVLConfig(config)).reduce((s, t) => s + t.shape.reduce((a, b) => a * b, 1), 0);

describe('presets', () => {
  // Parameter counts Hugging Face lists for Qwen/Qwen2.5-VL-7B-Instruct (8.29B) and -3B-Instruct (3.75B).
  it('deepeyes-7b has Qwen2.5-VL-7B-Instruct shapes: 8,292,166,656 parameters, untied lm_head', () => {
    const text = presetConfigText('deepeyes-7b');
    const c = parseQwenVLConfig(text);
    expect(paramCount(text)).toBe(8_292_166_656);
    // bf16 bytes = the metadata.total_size of the released model.safetensors.index.json.
    expect(2 * paramCount(text)).toBe(16_584_333_312);
    expect(c.text).toMatchObject({
      hiddenSize: 3584,
      numLayers: 28,
      numHeads: 28,
      numKvHeads: 4,
      headDim: 128,
      intermediateSize: 18944,
      vocabSize: 152064,
      ropeTheta: 1e6,
      mropeSection: [16, 24, 24],
      tieWordEmbeddings: false,
    });
    expect(c.vision).toMatchObject({
      depth: 32,
      hiddenSize: 1280,
      numHeads: 16,
      intermediateSize: 3420,
      outHiddenSize: 3584,
      fullattBlockIndexes: [7, 15, 23, 31],
      windowSize: 112,
    });
  });

  it('qwen25vl-3b has Qwen2.5-VL-3B-Instruct shapes: 3,754,622,976 parameters, tied embeddings', () => {
    const text = presetConfigText('qwen25vl-3b');
    const c = parseQwenVLConfig(text);
    expect(paramCount(text)).toBe(3_754_622_976);
    expect(c.text).toMatchObject({ hiddenSize: 2048, numLayers: 36, numHeads: 16, numKvHeads: 2 });
    expect(c.text).toMatchObject({ intermediateSize: 11008, vocabSize: 151936, tieWordEmbeddings: true });
    expect(c.vision.outHiddenSize).toBe(2048);
    expect(qwenVLTensorShapes(c).map((t) => t.name)).not.toContain('lm_head.weight');
  });

  it('presets are plain JSON objects (no shared nested objects mutated by the 3B override)', () => {
    const v7 = CHECKPOINT_PRESETS['deepeyes-7b'].vision_config as Record<string, unknown>;
    expect(v7.out_hidden_size).toBe(3584);
  });
});

describe('parseMakeCheckpointArgs', () => {
  it('reads every option; --shard-gb counts decimal GB like save_pretrained', () => {
    expect(
      parseMakeCheckpointArgs([
        '--config',
        'deepeyes-7b',
        '--salt',
        's',
        '--out',
        'o',
        '--dtype',
        'bf16',
        '--shard-gb',
        '4',
      ]),
    ).toEqual({ config: 'deepeyes-7b', salt: 's', outDir: 'o', dtype: 'BF16', shardBytes: 4_000_000_000 });
    expect(parseMakeCheckpointArgs(['--config', 'c.json', '--salt', 's', '--out', 'o']).dtype).toBe('F32');
  });

  it.each([
    [['--salt', 's', '--out', 'o']],
    [['--config', 'c', '--out', 'o']],
    [['--config', 'c', '--salt', 's']],
    [['--config', 'c', '--salt', 's', '--out', 'o', '--dtype', 'int8']],
    [['--config', 'c', '--salt', 's', '--out', 'o', '--shard-gb', '-1']],
    [['--config', 'c', '--salt', 's', '--out', 'o', '--bogus']],
  ])('rejects %j with usage', (argv) => {
    expect(() => parseMakeCheckpointArgs(argv)).toThrow(MakeCheckpointUsageError);
  });
});

describe('main', () => {
  const golden = GoldenSet.publicSet();
  const manifest = golden.json<{ file_sha256: string }>('weights_manifest.json');
  let tmp: string;
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'make-ckpt-'));
  });
  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it('writes the golden canonical file from the golden config.json and salt', async () => {
    const out = join(tmp, 'f32');
    const config = join(golden.dir, 'config.json');
    const code = await main(['--config', config, '--salt', golden.salt, '--out', out]);
    expect(code).toBe(0);
    expect((await readdir(out)).sort()).toEqual(['config.json', 'model.safetensors']);
    const h = createHash('sha256');
    for await (const c of createReadStream(join(out, 'model.safetensors'))) h.update(c as Buffer);
    expect(h.digest('hex')).toBe(manifest.file_sha256);
  });

  it('answers a usage error with exit code 2', async () => {
    expect(await main(['--config', 'deepeyes-7b'])).toBe(2);
  });
});
