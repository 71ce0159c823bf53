/** The canonical golden checkpoint file, byte for byte, and the bf16 / sharded variants. */
import { openLocalCheckpoint } from '../safetensors/node-files';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GoldenSet } from '../../../test/support/golden-set';
import { f32ToBf16 } from '../safetensors/dtypes';
import { writeTinyCheckpoint } from './checkpoint';
import { tensorValues } from './values';

const golden = GoldenSet.publicSet();
const manifest = golden.json<{
  file_sha256: string;
  file_bytes: number;
  tensors: Record<string, { shape: number[]; sha256: string }>;
}>('weights_manifest.json');
const configText = golden.text('config.json');

async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 8 << 20 })) h.update(chunk as Buffer);
  return h.digest('hex');
}

const sha = (a: Float32Array) => createHash('sha256').update(a).digest('hex');

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'synth-ckpt-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('writeTinyCheckpoint, F32 single file', () => {
  it('writes the canonical file: exact size and whole-file sha256', async () => {
    const dir = join(tmp, 'f32');
    const res = await writeTinyCheckpoint(dir, configText, golden.salt);
    expect(res.files).toEqual(['model.safetensors']);
    expect((await readdir(dir)).sort()).toEqual(['config.json', 'model.safetensors']);
    expect(await readFile(join(dir, 'config.json'), 'utf8')).toBe(configText);
    const file = join(dir, 'model.safetensors');
    expect((await stat(file)).size).toBe(manifest.file_bytes);
    expect(await sha256File(file)).toBe(manifest.file_sha256);

    // The reader sees what the manifest describes.
    const r = await openLocalCheckpoint(dir);
    try {
      const infos = r.tensors();
      expect(infos.map((t) => t.name)).toEqual(Object.keys(manifest.tensors).sort());
      for (const name of ['visual.patch_embed.proj.weight', 'model.norm.weight', 'lm_head.weight']) {
        expect(r.info(name).shape).toEqual(manifest.tensors[name].shape);
        expect(sha(await r.readF32(name))).toBe(manifest.tensors[name].sha256);
      }
      expect(r.metadata).toEqual({ format: 'pt' });
    } finally {
      await r.close();
    }
  });
});

describe('writeTinyCheckpoint, BF16 sharded', () => {
  it('writes shards + index whose tensors are the golden values rounded to bf16', async () => {
    const dir = join(tmp, 'bf16');
    const progress: number[] = [];
    const res = await writeTinyCheckpoint(dir, configText, golden.salt, {
      dtype: 'BF16',
      shardBytes: 30_000_000,
      onProgress: (p) => progress.push(p.done),
    });
    const count = Object.keys(manifest.tensors).length;
    expect(res.files).toEqual([
      'model-00001-of-00003.safetensors',
      'model-00002-of-00003.safetensors',
      'model-00003-of-00003.safetensors',
    ]);
    expect(progress.length).toBe(count);
    const index = JSON.parse(await readFile(join(dir, 'model.safetensors.index.json'), 'utf8'));
    expect(Object.keys(index.weight_map).length).toBe(count);
    const totalF32 = Object.values(manifest.tensors).reduce(
      (s, t) => s + t.shape.reduce((a, b) => a * b, 1),
      0,
    );
    expect(index.metadata.total_size).toBe(totalF32 * 2);

    const r = await openLocalCheckpoint(dir);
    try {
      expect(r.tensors().length).toBe(count);
      for (const name of [
        'model.layers.1.self_attn.q_proj.bias',
        'visual.merger.mlp.2.weight',
        'lm_head.weight',
      ]) {
        const t = r.info(name);
        expect(t.dtype).toBe('BF16');
        expect(t.file.endsWith(index.weight_map[name])).toBe(true);
        const golden32 = tensorValues(golden.salt, name, manifest.tensors[name].shape);
        // Checked against the manifest first, so the bf16 expectation derives from reference values.
        if (name !== 'lm_head.weight') expect(sha(golden32)).toBe(manifest.tensors[name].sha256);
        const raw = new Uint16Array((await r.readRaw(name)).buffer);
        expect(Buffer.from(raw.buffer).equals(Buffer.from(f32ToBf16(golden32).buffer))).toBe(true);
      }
    } finally {
      await r.close();
    }
  });
});

describe('writeTinyCheckpoint, overrides', () => {
  it('writes the given values for the named tensors and the golden values for the rest', async () => {
    const dir = join(tmp, 'overrides');
    const [n] = manifest.tensors['model.norm.weight'].shape;
    const norm = Float32Array.from({ length: n }, (_, i) => i / 4);
    await writeTinyCheckpoint(dir, configText, golden.salt, { overrides: { 'model.norm.weight': norm } });
    const r = await openLocalCheckpoint(dir);
    try {
      expect(Array.from(await r.readF32('model.norm.weight'))).toEqual(Array.from(norm));
      const name = 'model.layers.0.self_attn.o_proj.weight';
      expect(sha(await r.readF32(name))).toBe(manifest.tensors[name].sha256);
    } finally {
      await r.close();
    }
  });

  it('refuses an override of the wrong size or for a tensor the config does not have', async () => {
    const dir = join(tmp, 'bad-overrides');
    await expect(
      writeTinyCheckpoint(dir, configText, golden.salt, {
        overrides: { 'model.norm.weight': new Float32Array(3) },
      }),
    ).rejects.toThrow(/3 values for shape/);
    await expect(
      writeTinyCheckpoint(dir, configText, golden.salt, { overrides: { 'model.nope': new Float32Array(3) } }),
    ).rejects.toThrow(/no such tensor/);
  });
});
