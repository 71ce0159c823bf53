/**
 * Weights that make a Qwen2.5-VL speak a scripted token chain under greedy decoding, for tests that
 * need a real model to complete tool-call turns (random weights never do).
 *
 * Every layer's attention o_proj and MLP down_proj are zero, so the residual stream at the last
 * position is that token's embedding, untouched by context: the model is a bigram table. Each
 * token that has a successor in the chain gets its own one-hot embedding direction d; the final
 * RMSNorm (weight 1) turns e_d into sqrt(H) * e_d, and the successor's lm_head row holds
 * BIGRAM_LOGIT / sqrt(H) on d, so its logit is BIGRAM_LOGIT and every other token's is 0.
 * Hence a token may occur several times in the chain only if it is always followed by the same
 * token, and at most H tokens may have a successor.
 */
import type { QwenVLConfig } from '../../model/config';

/** Logit of the scripted successor; every other token scores 0. */
export const BIGRAM_LOGIT = 32;

/** Token -> its one successor; throws when the chain gives a token two different successors. */
export function bigramTable(chain: readonly number[]): Map<number, number> {
  const next = new Map<number, number>();
  for (let i = 0; i + 1 < chain.length; i++) {
    const seen = next.get(chain[i]);
    if (seen !== undefined && seen !== chain[i + 1]) {
      throw new RangeError(
        `token ${chain[i]} is followed by ${seen} and by ${chain[i + 1]}: a bigram model cannot say this chain`,
      );
    }
    next.set(chain[i], chain[i + 1]);
  }
  return next;
}

/** Overrides for writeTinyCheckpoint: the text model says `chain[i + 1]` after `chain[i]`. */
export function bigramWeights(config: QwenVLConfig, chain: readonly number[]): Record<string, Float32Array> {
  const t = config.text;
  const h = t.hiddenSize;
  const next = bigramTable(chain);
  if (next.size > h) throw new RangeError(`${next.size} tokens with a successor, only ${h} directions`);
  for (const id of chain) {
    if (!Number.isInteger(id) || id < 0 || id >= t.vocabSize)
      throw new RangeError(`token ${id} out of vocabulary`);
  }
  if (t.tieWordEmbeddings)
    throw new RangeError('a bigram model needs its own lm_head (tie_word_embeddings false)');

  const embed = new Float32Array(t.vocabSize * h);
  const lmHead = new Float32Array(t.vocabSize * h);
  let d = 0;
  for (const [token, successor] of next) {
    embed[token * h + d] = 1;
    lmHead[successor * h + d] = BIGRAM_LOGIT / Math.sqrt(h);
    d++;
  }
  const out: Record<string, Float32Array> = {
    'model.embed_tokens.weight': embed,
    'lm_head.weight': lmHead,
    'model.norm.weight': new Float32Array(h).fill(1),
  };
  for (let l = 0; l < t.numLayers; l++) {
    out[`model.layers.${l}.self_attn.o_proj.weight`] = new Float32Array(h * t.numHeads * t.headDim);
    out[`model.layers.${l}.mlp.down_proj.weight`] = new Float32Array(h * t.intermediateSize);
  }
  return out;
}
