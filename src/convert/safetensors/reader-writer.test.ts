import { openLocalCheckpoint } from './node-files';
import { mkdir, mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bf16ToF32, f16ToF32, f32ToBf16, f32ToF16, type FloatDtype } from './dtypes';
import {
  CheckpointNotFoundError,
  DuplicateTensorError,
  MissingShardError,
  NotAFloatTensorError,
  ReaderClosedError,
  SafetensorsHeaderError,
  SafetensorsIndexError,
  TensorDataError,
  TensorNotFoundError,
  TensorOffsetsError,
  TruncatedSafetensorsError,
  UnknownDtypeError,
} from './errors';
import { type TensorToWrite, writeSafetensors, writeShardedSafetensors } from './writer';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'safetensors-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

function ramp(n: number, scale = 0.37): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => Math.sin(i * scale) * (1 + i / 7));
}

/** What a value becomes after storage in `dtype` (the reader widens exactly). */
function stored(v: Float32Array, dtype: FloatDtype): Float32Array {
  if (dtype === 'F32') return v;
  return dtype === 'BF16' ? bf16ToF32(f32ToBf16(v)) : f16ToF32(f32ToF16(v));
}

/** A file from a literal header object and data bytes, for corrupt-file cases. */
async function rawFile(name: string, header: unknown, data: Uint8Array, pad = true): Promise<string> {
  let json = JSON.stringify(header);
  if (pad) json = json.padEnd(Math.ceil(json.length / 8) * 8, ' ');
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(BigInt(Buffer.byteLength(json)));
  const path = join(tmp, name);
  await writeFile(path, Buffer.concat([prefix, Buffer.from(json), data]));
  return path;
}

describe('single file round trip', () => {
  it.each(['F32', 'F16', 'BF16'] as const)('%s', async (dtype) => {
    const a = ramp(6 * 5);
    const b = ramp(7, 1.3);
    const path = join(tmp, `rt-${dtype}.safetensors`);
    const tensors: TensorToWrite[] = [
      // Given out of order: the file must list them sorted by name.
      { name: 'z.weight', dtype, shape: [6, 5], data: () => a },
      { name: 'a.bias', dtype, shape: [7], data: () => [b.subarray(0, 3), b.subarray(3)] },
    ];
    await writeSafetensors(path, tensors);
    const bytes = await readFile(path);
    const n = Number(bytes.readBigUInt64LE(0));
    expect(n % 8).toBe(0);
    const width = dtype === 'F32' ? 4 : 2;
    expect(
      bytes
        .subarray(8, 8 + n)
        .toString()
        .trimEnd(),
    ).toBe(
      `{"__metadata__":{"format":"pt"},"a.bias":{"dtype":"${dtype}","shape":[7],"data_offsets":[0,${7 * width}]},` +
        `"z.weight":{"dtype":"${dtype}","shape":[6,5],"data_offsets":[${7 * width},${37 * width}]}}`,
    );
    expect(bytes.byteLength).toBe(8 + n + 37 * width);

    const r = await openLocalCheckpoint(path);
    try {
      expect(r.tensors().map((t) => [t.name, t.dtype, t.shape, t.byteLength])).toEqual([
        ['a.bias', dtype, [7], 7 * width],
        ['z.weight', dtype, [6, 5], 30 * width],
      ]);
      expect(r.info('a.bias').byteOffset).toBe(8 + n);
      expect(await r.readF32('z.weight')).toEqual(stored(a, dtype));
      expect(await r.readF32('a.bias')).toEqual(stored(b, dtype));
      const chunks: number[] = [];
      for await (const c of r.readF32Chunks('z.weight', 4)) chunks.push(...c);
      expect(new Float32Array(chunks)).toEqual(stored(a, dtype));
    } finally {
      await r.close();
    }
  });

  it('passes raw bytes through, from async producers too', async () => {
    const raw = new Uint8Array(new Uint16Array([0x3f80, 0x4000, 0xc040]).buffer);
    const path = join(tmp, 'raw.safetensors');
    async function* gen() {
      yield raw.subarray(0, 2);
      yield raw.subarray(2);
    }
    await writeSafetensors(path, [{ name: 'x', dtype: 'BF16', shape: [3], data: gen }]);
    const r = await openLocalCheckpoint(path);
    expect(await r.readRaw('x')).toEqual(raw);
    expect(Array.from(await r.readF32('x'))).toEqual([1, 2, -3]);
    await r.close();
  });

  it('refuses data of the wrong size and leaves no file behind', async () => {
    const dir = join(tmp, 'bad-size');
    await mkdir(dir);
    const short: TensorToWrite = { name: 't', dtype: 'F32', shape: [4], data: () => new Float32Array(3) };
    await expect(writeSafetensors(join(dir, 'a.safetensors'), [short])).rejects.toBeInstanceOf(
      TensorDataError,
    );
    const long: TensorToWrite = { ...short, data: () => new Float32Array(5) };
    await expect(writeSafetensors(join(dir, 'a.safetensors'), [long])).rejects.toBeInstanceOf(
      TensorDataError,
    );
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('sharded folders', () => {
  const tensors: TensorToWrite[] = ['d', 'a', 'c', 'b', 'e'].map((name, i) => ({
    name: `${name}.weight`,
    dtype: 'BF16',
    shape: [10 * (i + 1)],
    data: () => ramp(10 * (i + 1)),
  }));

  it('splits greedily by name and writes an HF index', async () => {
    const dir = join(tmp, 'sharded');
    // Sizes in name order: a 40, b 80, c 60, d 20, e 100 bytes.
    const res = await writeShardedSafetensors(dir, tensors, { maxShardBytes: 130 });
    expect(res.files).toEqual([
      'model-00001-of-00003.safetensors',
      'model-00002-of-00003.safetensors',
      'model-00003-of-00003.safetensors',
    ]);
    const index = await readFile(join(dir, 'model.safetensors.index.json'), 'utf8');
    expect(JSON.parse(index)).toEqual({
      metadata: { total_size: 300 },
      weight_map: {
        'a.weight': res.files[0],
        'b.weight': res.files[0],
        'c.weight': res.files[1],
        'd.weight': res.files[1],
        'e.weight': res.files[2],
      },
    });
    for (const open of [dir, join(dir, 'model.safetensors.index.json')]) {
      const r = await openLocalCheckpoint(open);
      expect(r.tensors().map((t) => t.name)).toEqual([
        'a.weight',
        'b.weight',
        'c.weight',
        'd.weight',
        'e.weight',
      ]);
      expect(r.info('d.weight').file).toBe(join(dir, res.files[1]));
      expect(await r.readF32('e.weight')).toEqual(stored(ramp(50), 'BF16'));
      expect(await r.readF32('d.weight')).toEqual(stored(ramp(10), 'BF16'));
      await r.close();
    }
  });

  it('writes one model.safetensors when everything fits', async () => {
    const dir = join(tmp, 'unsharded');
    const res = await writeShardedSafetensors(dir, tensors, { maxShardBytes: 1000 });
    expect(res).toEqual({ files: ['model.safetensors'], totalSize: 300 });
    expect(await readdir(dir)).toEqual(['model.safetensors']);
  });

  it('reports a missing shard, a broken index and an index that lies', async () => {
    const dir = join(tmp, 'sharded-bad');
    const res = await writeShardedSafetensors(dir, tensors, { maxShardBytes: 130 });
    const indexPath = join(dir, 'model.safetensors.index.json');
    const index = JSON.parse(await readFile(indexPath, 'utf8'));
    index.weight_map['a.weight'] = res.files[2];
    await writeFile(indexPath, JSON.stringify(index));
    await expect(openLocalCheckpoint(dir)).rejects.toBeInstanceOf(SafetensorsIndexError);
    await writeFile(indexPath, '{"weight_map": ');
    await expect(openLocalCheckpoint(dir)).rejects.toBeInstanceOf(SafetensorsIndexError);
    await writeFile(
      indexPath,
      JSON.stringify({ weight_map: { 'a.weight': 'model-00009-of-00009.safetensors' } }),
    );
    const err = await openLocalCheckpoint(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MissingShardError);
    expect((err as Error).message).toContain('model-00009-of-00009.safetensors');
  });
});

describe('key layouts', () => {
  it('maps transformers >= 4.52 keys to the 4.50 layout and keeps the stored key', async () => {
    const path = join(tmp, 'new-layout.safetensors');
    const keys = [
      'model.visual.blocks.0.norm1.weight',
      'model.language_model.layers.0.mlp.up_proj.weight',
      'model.language_model.embed_tokens.weight',
      'lm_head.weight',
    ];
    await writeSafetensors(
      path,
      keys.map((name, i) => ({ name, dtype: 'F32', shape: [2], data: () => new Float32Array([i, -i]) })),
    );
    const r = await openLocalCheckpoint(path);
    expect(r.tensors().map((t) => [t.name, t.key])).toEqual([
      ['lm_head.weight', 'lm_head.weight'],
      ['model.embed_tokens.weight', 'model.language_model.embed_tokens.weight'],
      ['model.layers.0.mlp.up_proj.weight', 'model.language_model.layers.0.mlp.up_proj.weight'],
      ['visual.blocks.0.norm1.weight', 'model.visual.blocks.0.norm1.weight'],
    ]);
    expect(Array.from(await r.readF32('model.layers.0.mlp.up_proj.weight'))).toEqual([1, -1]);
    await expect(r.readF32('model.language_model.embed_tokens.weight')).rejects.toBeInstanceOf(
      TensorNotFoundError,
    );
    await r.close();

    const raw = await openLocalCheckpoint(path, { normalizeKeys: false });
    expect(raw.has('model.visual.blocks.0.norm1.weight')).toBe(true);
    await raw.close();
  });

  it('refuses a checkpoint holding the same tensor in both layouts', async () => {
    const path = join(tmp, 'both-layouts.safetensors');
    await writeSafetensors(
      path,
      ['model.norm.weight', 'model.language_model.norm.weight'].map((name) => ({
        name,
        dtype: 'F32',
        shape: [1],
        data: () => new Float32Array(1),
      })),
    );
    await expect(openLocalCheckpoint(path)).rejects.toBeInstanceOf(DuplicateTensorError);
  });
});

describe('corrupt and unusual files', () => {
  const eight = new Uint8Array(8);
  const header = { __metadata__: { format: 'pt' }, t: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } };

  it('accepts the hand-built reference file', async () => {
    const r = await openLocalCheckpoint(await rawFile('ok.safetensors', header, eight));
    expect(Array.from(await r.readF32('t'))).toEqual([0, 0]);
    await r.close();
    await expect(r.readRaw('t')).rejects.toBeInstanceOf(ReaderClosedError);
  });

  it('truncated: in the data, in the header, in the length prefix', async () => {
    const path = await rawFile('trunc.safetensors', header, eight);
    const full = (await readFile(path)).byteLength;
    for (const size of [full - 1, 20, 4, 0]) {
      await truncate(path, size);
      await expect(openLocalCheckpoint(path)).rejects.toBeInstanceOf(TruncatedSafetensorsError);
    }
  });

  it('bad header JSON, and a Git LFS pointer instead of weights', async () => {
    const path = await rawFile('badjson.safetensors', header, eight);
    const bytes = await readFile(path);
    bytes[8] = 'x'.charCodeAt(0);
    await writeFile(path, bytes);
    await expect(openLocalCheckpoint(path)).rejects.toBeInstanceOf(SafetensorsHeaderError);
    const lfs = join(tmp, 'lfs.safetensors');
    await writeFile(lfs, 'version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 123\n');
    await expect(openLocalCheckpoint(lfs)).rejects.toBeInstanceOf(SafetensorsHeaderError);
    await expect(openLocalCheckpoint(await rawFile('arr.safetensors', [1, 2], eight))).rejects.toBeInstanceOf(
      SafetensorsHeaderError,
    );
  });

  it('offsets that disagree with the shape, overlap, or are malformed', async () => {
    const cases = [
      { t: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } },
      { t: { dtype: 'F32', shape: [2], data_offsets: [8, 0] } },
      { t: { dtype: 'F32', shape: [2], data_offsets: [0] } },
      {
        t: { dtype: 'F32', shape: [1], data_offsets: [0, 4] },
        u: { dtype: 'F16', shape: [2], data_offsets: [2, 6] },
      },
    ];
    for (const [i, h] of cases.entries()) {
      const path = await rawFile(`off${i}.safetensors`, h, eight);
      await expect(openLocalCheckpoint(path)).rejects.toBeInstanceOf(TensorOffsetsError);
    }
  });

  it('an unknown dtype is named in the error', async () => {
    const h = { t: { dtype: 'Q4_K', shape: [2], data_offsets: [0, 8] } };
    const err = await openLocalCheckpoint(await rawFile('q4.safetensors', h, eight)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnknownDtypeError);
    expect((err as Error).message).toContain('Q4_K');
  });

  it('lists integer tensors and reads them raw only', async () => {
    const h = {
      ids: { dtype: 'I64', shape: [1], data_offsets: [0, 8] },
      m: { dtype: 'U8', shape: [2], data_offsets: [8, 10] },
      n: { dtype: 'I32', shape: [1], data_offsets: [12, 16] },
    };
    const data = new Uint8Array(16);
    data[0] = 7;
    data[8] = 255;
    const r = await openLocalCheckpoint(await rawFile('ints.safetensors', h, data, false));
    expect(r.tensors().map((t) => t.dtype)).toEqual(['I64', 'U8', 'I32']);
    expect(Array.from(await r.readRaw('m'))).toEqual([255, 0]);
    expect(new BigInt64Array((await r.readRaw('ids')).buffer)[0]).toBe(7n);
    await expect(r.readF32('ids')).rejects.toBeInstanceOf(NotAFloatTensorError);
    await r.close();
  });

  it('a folder without weights, and a path that does not exist', async () => {
    const empty = join(tmp, 'empty');
    await mkdir(join(empty, 'sub'), { recursive: true });
    await expect(openLocalCheckpoint(empty)).rejects.toBeInstanceOf(CheckpointNotFoundError);
    await expect(openLocalCheckpoint(join(tmp, 'nope'))).rejects.toBeInstanceOf(CheckpointNotFoundError);
  });
});
