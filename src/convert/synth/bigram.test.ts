import { describe, expect, it } from 'vitest';
import { TINY_CONFIG } from '../../cli/build-tiny-model';
import { parseQwenVLConfig } from '../../model/config';
import { bigramTable, bigramWeights } from './bigram';

const config = parseQwenVLConfig(TINY_CONFIG);
const H = config.text.hiddenSize;

/** Greedy next token of the bigram weights for `token`, by the decoder's arithmetic written out. */
function greedyNext(w: Record<string, Float32Array>, token: number): number {
  const x = w['model.embed_tokens.weight'].subarray(token * H, (token + 1) * H);
  const rms = Math.sqrt(x.reduce((s, v) => s + v * v, 0) / H + config.text.rmsNormEps);
  const n = x.map((v, i) => (v / rms) * w['model.norm.weight'][i]);
  let best = -Infinity;
  let arg = -1;
  for (let t = 0; t < config.text.vocabSize; t++) {
    let logit = 0;
    for (let i = 0; i < H; i++) logit += w['lm_head.weight'][t * H + i] * n[i];
    if (logit > best) [best, arg] = [logit, t];
  }
  return arg;
}

describe('bigramWeights', () => {
  it('each token of the chain is followed by its successor under greedy decoding', () => {
    const chain = [198, 151657, 4913, 606, 16, 345, 19, 151658];
    const w = bigramWeights(config, chain);
    for (let i = 0; i + 1 < chain.length; i++) expect(greedyNext(w, chain[i])).toBe(chain[i + 1]);
  });

  it('zeroes every layer output projection, so the residual stream is the embedding', () => {
    const w = bigramWeights(config, [1, 2]);
    for (let l = 0; l < config.text.numLayers; l++) {
      expect(w[`model.layers.${l}.self_attn.o_proj.weight`].every((v) => v === 0)).toBe(true);
      expect(w[`model.layers.${l}.mlp.down_proj.weight`].every((v) => v === 0)).toBe(true);
    }
  });

  it('accepts a token repeated with the same successor and refuses one with two', () => {
    expect(bigramTable([5, 6, 7, 5, 6]).get(5)).toBe(6);
    expect(() => bigramTable([5, 6, 5, 7])).toThrow(/followed by 6 and by 7/);
  });

  it('refuses more tokens with a successor than the hidden size has directions', () => {
    const chain = Array.from({ length: H + 2 }, (_, i) => i);
    expect(() => bigramWeights(config, chain)).toThrow(/only 64 directions/);
  });
});
