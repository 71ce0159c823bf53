import { describe, expect, it } from 'vitest';
import { normalizeTensorKey } from './keys';

describe('normalizeTensorKey', () => {
  it.each([
    ['model.visual.blocks.0.attn.qkv.weight', 'visual.blocks.0.attn.qkv.weight'],
    ['model.visual.merger.mlp.0.bias', 'visual.merger.mlp.0.bias'],
    ['model.language_model.layers.3.self_attn.q_proj.bias', 'model.layers.3.self_attn.q_proj.bias'],
    ['model.language_model.embed_tokens.weight', 'model.embed_tokens.weight'],
    ['model.language_model.norm.weight', 'model.norm.weight'],
    ['lm_head.weight', 'lm_head.weight'],
    ['visual.patch_embed.proj.weight', 'visual.patch_embed.proj.weight'],
    ['model.layers.0.mlp.up_proj.weight', 'model.layers.0.mlp.up_proj.weight'],
  ])('%s -> %s', (key, name) => expect(normalizeTensorKey(key)).toBe(name));
});
