import { afterAll, describe, expect, it } from 'vitest';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { DirModelFiles } from './runtime/node-files';
import { loadEngine, NoModelVariantError, pickVariant, visionAttentionChunks } from './load-engine';
import { prepareGoldenModel } from '../golden/node-prepare';

const GOLDEN = resolve(import.meta.dirname, '../../test/golden/public');

const dirs: string[] = [];
async function folder(files: Record<string, string>): Promise<DirModelFiles> {
  const dir = await mkdtemp(join(tmpdir(), 'load-engine-'));
  dirs.push(dir);
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(dir, path, '..'), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  return new DirModelFiles(dir);
}
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('pickVariant', () => {
  it("takes the manifest's best for the target: q4f16 on WebGPU, q4 on the CPU", async () => {
    const files = await folder({
      'deepeyes-manifest.json': JSON.stringify({ variants: { fp32: {}, q4: {}, q4f16: {} } }),
    });
    expect(await pickVariant(files, 'webgpu')).toBe('q4f16');
    expect(await pickVariant(files, 'cpu')).toBe('q4');
    expect(await pickVariant(files, 'wasm')).toBe('q4');
    expect(await pickVariant(files, 'cpu', 'fp32')).toBe('fp32');
  });

  it('without a manifest, looks at the decoder files present', async () => {
    expect(await pickVariant(await folder({ 'onnx/decoder_model_merged.onnx': '' }), 'cpu')).toBe('fp32');
    const both = await folder({
      'onnx/decoder_model_merged.onnx': '',
      'onnx/decoder_model_merged_q4.onnx': '',
    });
    expect(await pickVariant(both, 'cpu')).toBe('q4');
  });

  it('says which variants to convert when the folder has none for the target', async () => {
    const onlyF16 = await folder({ 'deepeyes-manifest.json': JSON.stringify({ variants: { q4f16: {} } }) });
    await expect(pickVariant(onlyF16, 'cpu')).rejects.toThrow(NoModelVariantError);
    await expect(pickVariant(await folder({}), 'cpu')).rejects.toMatchObject({ code: 'model_missing' });
  });
});

describe('visionAttentionChunks', () => {
  it("reads the manifest's chunk count; folders without it (older conversions) have 1", async () => {
    const chunked = await folder({
      'deepeyes-manifest.json': JSON.stringify({ variants: { q4: {} }, vision_attention_chunks: 256 }),
    });
    expect(await visionAttentionChunks(chunked)).toBe(256);
    const older = await folder({ 'deepeyes-manifest.json': JSON.stringify({ variants: { q4: {} } }) });
    expect(await visionAttentionChunks(older)).toBe(1);
    expect(await visionAttentionChunks(await folder({}))).toBe(1);
  });
});

describe('loadEngine (the golden tiny model, fp32 on the CPU)', () => {
  it("loads the folder's variant and bounds images to the score budget", async () => {
    const work = await mkdtemp(join(tmpdir(), 'load-engine-golden-'));
    dirs.push(work);
    const { onnxDir } = await prepareGoldenModel(GOLDEN, work, { dtypes: ['fp32'] });
    const files = new DirModelFiles(onnxDir);
    const plain = await loadEngine(files, { ort, target: 'cpu' });
    try {
      expect(plain.variant).toBe('fp32');
      expect(plain.cappedPixels).toBeUndefined();
      expect(plain.engine.backend).toBe('cpu/fp32');
      // The converter split the tiny encoder's (4 heads) full attention in 4 chunks: 4096 rows of
      // 16384 keys (its 3.2 MP target) fit 1 GiB. Under 1 MiB: 512 patches, whose scores in 4
      // chunks are 4 heads * 128 rows * 512 * 4 B = 1 MiB exactly (516 needs 129 rows); unchunked
      // it would be sqrt(2^20 / 16) = 256 patches.
      expect(await visionAttentionChunks(files)).toBe(4);
      const small = await loadEngine(files, { ort, target: 'cpu', maxScoreBytes: 2 ** 20 });
      try {
        expect(small.cappedPixels).toBe(512 * 196);
        expect(small.engine.imageLimits.maxPixels).toBe(512 * 196);
      } finally {
        await small.engine.dispose();
      }
    } finally {
      await plain.engine.dispose();
    }
  });
});
