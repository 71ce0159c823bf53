import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { LocalFolderModelFiles, resolveModelUrl } from './model-source';

describe('resolveModelUrl', () => {
  it('turns a Hugging Face repo name, with or without a revision, into its resolve URL', () => {
    expect(resolveModelUrl('ChenShawn/DeepEyes-7B')).toBe(
      'https://huggingface.co/ChenShawn/DeepEyes-7B/resolve/main/',
    );
    expect(resolveModelUrl(' org/repo.onnx@v1.0 ')).toBe(
      'https://huggingface.co/org/repo.onnx/resolve/v1.0/',
    );
  });

  it('reads Hugging Face URLs: repo, tree/<rev>/<sub>, blob and resolve of a file, datasets', () => {
    expect(resolveModelUrl('https://huggingface.co/org/repo')).toBe(
      'https://huggingface.co/org/repo/resolve/main/',
    );
    expect(resolveModelUrl('https://hf.co/org/repo/tree/abc123/onnx-web')).toBe(
      'https://huggingface.co/org/repo/resolve/abc123/onnx-web/',
    );
    expect(resolveModelUrl('https://huggingface.co/org/repo/blob/main/sub/deepeyes-manifest.json')).toBe(
      'https://huggingface.co/org/repo/resolve/main/sub/',
    );
    expect(resolveModelUrl('https://huggingface.co/org/repo/resolve/main/config.json?download=true')).toBe(
      'https://huggingface.co/org/repo/resolve/main/',
    );
    expect(resolveModelUrl('https://huggingface.co/datasets/org/data')).toBe(
      'https://huggingface.co/datasets/org/data/resolve/main/',
    );
  });

  it('keeps any other URL as a folder, relative ones against the page', () => {
    expect(resolveModelUrl('https://cdn.example.com/models/deepeyes')).toBe(
      'https://cdn.example.com/models/deepeyes/',
    );
    expect(resolveModelUrl('https://cdn.example.com/m/deepeyes-manifest.json#x')).toBe(
      'https://cdn.example.com/m/',
    );
    expect(resolveModelUrl('./models/tiny', 'http://127.0.0.1:4173/index.html')).toBe(
      'http://127.0.0.1:4173/models/tiny/',
    );
  });

  it('refuses empty input, other schemes and URLs that name no repo', () => {
    expect(() => resolveModelUrl('  ')).toThrow(/no model given/);
    expect(() => resolveModelUrl('javascript:alert(1)')).toThrow(/cannot hold a model/);
    expect(() => resolveModelUrl('file:///tmp/model/')).toThrow(/cannot hold a model/);
    expect(() => resolveModelUrl('https://huggingface.co/org')).toThrow(/does not name a Hugging Face repo/);
  });
});

describe('LocalFolderModelFiles.fromFiles', () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  const config = enc('{"model_type":"qwen2_5_vl"}');
  const weights = new Uint8Array(4096).map((_, i) => (i * 7) & 255);
  const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
  const manifest = JSON.stringify({
    format_version: 1,
    model_id: 'm',
    files: [
      { path: 'config.json', bytes: config.length, sha256: sha(config) },
      { path: 'onnx/w.onnx_data', bytes: weights.length, sha256: sha(weights) },
    ],
    variants: {
      q4: {
        files: ['config.json', 'onnx/w.onnx_data'],
        required_features: [],
        max_single_tensor_bytes: 4096,
        total_bytes: 4123,
      },
    },
  });
  const file = (path: string, body: Uint8Array | string) => ({
    path,
    file: new File([body as BlobPart], path.split('/').at(-1)!),
  });

  it('finds the model folder by its manifest, even inside a dropped parent folder', async () => {
    const m = LocalFolderModelFiles.fromFiles([
      file('models/deepeyes/deepeyes-manifest.json', manifest),
      file('models/deepeyes/config.json', config),
      file('models/deepeyes/onnx/w.onnx_data', weights),
      file('models/readme.txt', 'x'),
    ]);
    expect(m.id).toBe('deepeyes');
    expect(await m.exists('onnx/w.onnx_data')).toBe(true);
    expect(await m.exists('readme.txt')).toBe(false);
    expect(sha(await m.readBytes('onnx/w.onnx_data'))).toBe(sha(weights));
    expect(JSON.parse(await m.readText('config.json')).model_type).toBe('qwen2_5_vl');
  });

  it('strips the picked folder name when there is no manifest', async () => {
    const m = LocalFolderModelFiles.fromFiles([file('tiny/config.json', config)]);
    expect(await m.readText('config.json')).toContain('qwen2_5_vl');
  });

  it('refuses a file that does not match the folder manifest', async () => {
    const damaged = weights.slice();
    damaged[100] ^= 0x10;
    const m = LocalFolderModelFiles.fromFiles([
      file('d/deepeyes-manifest.json', manifest),
      file('d/onnx/w.onnx_data', damaged),
      file('d/config.json', enc('{}')),
    ]);
    await expect(m.readBytes('onnx/w.onnx_data')).rejects.toMatchObject({
      name: 'LocalFileDamagedError',
      code: 'integrity',
    });
    await expect(m.readBytes('config.json')).rejects.toThrow(/2 bytes, expected 27/);
    await expect(m.readBytes('missing.json')).rejects.toMatchObject({ name: 'ModelFileMissingError' });
  });
});
