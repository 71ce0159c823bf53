/** Every generated tensor against golden/public/weights_manifest.json (names, shapes, rules, sha256). */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseQwenVLConfig } from '../../model/config';
import { GoldenSet } from '../../../test/support/golden-set';
import { qwenVLTensorShapes } from './tensor-list';
import { tensorSeed, tensorValueChunks, weightRule } from './values';

interface ManifestTensor {
  shape: number[];
  kind: string;
  bound: string;
  seed: string;
  sha256: string;
}

const golden = GoldenSet.publicSet();
const manifest = golden.json<{ salt: string; tensors: Record<string, ManifestTensor> }>(
  'weights_manifest.json',
);
const config = parseQwenVLConfig(golden.json<Record<string, unknown>>('config.json'));
const list = qwenVLTensorShapes(config);

describe('Qwen2.5-VL tensor list', () => {
  it('has exactly the manifest names and shapes', () => {
    const ours = Object.fromEntries(list.map((t) => [t.name, t.shape]));
    const theirs = Object.fromEntries(Object.entries(manifest.tensors).map(([k, v]) => [k, v.shape]));
    expect(ours).toEqual(theirs);
    expect(list.length).toBe(new Set(list.map((t) => t.name)).size);
  });

  it('drops lm_head.weight when embeddings are tied', () => {
    const tied = parseQwenVLConfig({
      ...golden.json<Record<string, unknown>>('config.json'),
      tie_word_embeddings: true,
    });
    const names = qwenVLTensorShapes(tied).map((t) => t.name);
    expect(names).not.toContain('lm_head.weight');
    expect(names.length).toBe(list.length - 1);
  });
});

describe('per-tensor rules and data', () => {
  it('uses the manifest salt', () => expect(manifest.salt).toBe(golden.salt));

  it('matches kind, bound and seed of every tensor', () => {
    for (const { name, shape } of list) {
      const m = manifest.tensors[name];
      const rule = weightRule(name, shape);
      expect({ name, kind: rule.kind, bound: rule.bound, seed: tensorSeed(golden.salt, name) }).toEqual({
        name,
        kind: m.kind,
        bound: Number(m.bound),
        seed: Number(m.seed),
      });
    }
  });

  it('reproduces the sha256 of every tensor (float32 LE bytes)', () => {
    const mismatches: string[] = [];
    for (const { name, shape } of list) {
      const h = createHash('sha256');
      for (const c of tensorValueChunks(golden.salt, name, shape)) h.update(c);
      if (h.digest('hex') !== manifest.tensors[name].sha256) mismatches.push(name);
    }
    expect(mismatches).toEqual([]);
  });
});
