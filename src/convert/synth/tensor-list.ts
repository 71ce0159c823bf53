/**
 * Every tensor of a Qwen2.5-VL checkpoint (transformers 4.50 key names) with its shape,
 * derived from the config; checked against golden/public/weights_manifest.json.
 */
import type { QwenVLConfig } from '../../model/config';

export interface TensorShape {
  name: string;
  shape: number[];
}

function visionTensors(c: QwenVLConfig): TensorShape[] {
  const v = c.vision;
  const h = v.hiddenSize;
  const i = v.intermediateSize;
  const merged = h * v.spatialMergeSize * v.spatialMergeSize;
  const out: TensorShape[] = [
    {
      name: 'visual.patch_embed.proj.weight',
      shape: [h, v.inChannels, v.temporalPatchSize, v.patchSize, v.patchSize],
    },
  ];
  for (let b = 0; b < v.depth; b++) {
    const p = `visual.blocks.${b}`;
    out.push(
      { name: `${p}.norm1.weight`, shape: [h] },
      { name: `${p}.norm2.weight`, shape: [h] },
      { name: `${p}.attn.qkv.weight`, shape: [3 * h, h] },
      { name: `${p}.attn.qkv.bias`, shape: [3 * h] },
      { name: `${p}.attn.proj.weight`, shape: [h, h] },
      { name: `${p}.attn.proj.bias`, shape: [h] },
      { name: `${p}.mlp.gate_proj.weight`, shape: [i, h] },
      { name: `${p}.mlp.gate_proj.bias`, shape: [i] },
      { name: `${p}.mlp.up_proj.weight`, shape: [i, h] },
      { name: `${p}.mlp.up_proj.bias`, shape: [i] },
      { name: `${p}.mlp.down_proj.weight`, shape: [h, i] },
      { name: `${p}.mlp.down_proj.bias`, shape: [h] },
    );
  }
  out.push(
    { name: 'visual.merger.ln_q.weight', shape: [h] },
    { name: 'visual.merger.mlp.0.weight', shape: [merged, merged] },
    { name: 'visual.merger.mlp.0.bias', shape: [merged] },
    { name: 'visual.merger.mlp.2.weight', shape: [v.outHiddenSize, merged] },
    { name: 'visual.merger.mlp.2.bias', shape: [v.outHiddenSize] },
  );
  return out;
}

function textTensors(c: QwenVLConfig): TensorShape[] {
  const t = c.text;
  const h = t.hiddenSize;
  const q = t.numHeads * t.headDim;
  const kv = t.numKvHeads * t.headDim;
  const i = t.intermediateSize;
  const out: TensorShape[] = [{ name: 'model.embed_tokens.weight', shape: [t.vocabSize, h] }];
  for (let l = 0; l < t.numLayers; l++) {
    const p = `model.layers.${l}`;
    out.push(
      { name: `${p}.input_layernorm.weight`, shape: [h] },
      { name: `${p}.self_attn.q_proj.weight`, shape: [q, h] },
      { name: `${p}.self_attn.q_proj.bias`, shape: [q] },
      { name: `${p}.self_attn.k_proj.weight`, shape: [kv, h] },
      { name: `${p}.self_attn.k_proj.bias`, shape: [kv] },
      { name: `${p}.self_attn.v_proj.weight`, shape: [kv, h] },
      { name: `${p}.self_attn.v_proj.bias`, shape: [kv] },
      { name: `${p}.self_attn.o_proj.weight`, shape: [h, q] },
      { name: `${p}.post_attention_layernorm.weight`, shape: [h] },
      { name: `${p}.mlp.gate_proj.weight`, shape: [i, h] },
      { name: `${p}.mlp.up_proj.weight`, shape: [i, h] },
      { name: `${p}.mlp.down_proj.weight`, shape: [h, i] },
    );
  }
  out.push({ name: 'model.norm.weight', shape: [h] });
  if (!t.tieWordEmbeddings) out.push({ name: 'lm_head.weight', shape: [t.vocabSize, h] });
  return out;
}

/** Vision tensors, then text tensors, then lm_head (model order; writers sort by name). */
export function qwenVLTensorShapes(config: QwenVLConfig): TensorShape[] {
  return [...visionTensors(config), ...textTensors(config)];
}
