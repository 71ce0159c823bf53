/**
 * Typed view of a Hugging Face Qwen2.5-VL config.json (also what DeepEyes-7B ships).
 * Only the fields the runtime and converter use; unknown fields are ignored.
 */
import { DeepEyesError } from '../base/errors';
export interface VisionConfig {
  depth: number;
  hiddenSize: number;
  numHeads: number;
  intermediateSize: number;
  outHiddenSize: number;
  patchSize: number;
  temporalPatchSize: number;
  spatialMergeSize: number;
  windowSize: number;
  fullattBlockIndexes: number[];
  inChannels: number;
}

export interface TextConfig {
  hiddenSize: number;
  numLayers: number;
  numHeads: number;
  numKvHeads: number;
  headDim: number;
  intermediateSize: number;
  vocabSize: number;
  rmsNormEps: number;
  ropeTheta: number;
  mropeSection: [number, number, number];
  tieWordEmbeddings: boolean;
}

export interface SpecialTokens {
  imStart: number;
  imEnd: number;
  visionStart: number;
  visionEnd: number;
  imagePad: number;
  videoPad: number;
  toolCall: number;
  toolCallEnd: number;
  endOfText: number;
}

export interface QwenVLConfig {
  modelType: string;
  vision: VisionConfig;
  text: TextConfig;
  tokens: SpecialTokens;
  /** Per-variant vision RMSNorm epsilon (1e-6 in every released Qwen2.5-VL). */
  visionEps: number;
}

/** Token ids shared by every Qwen2.5-VL tokenizer (spec: qwen2_5_vl.md, "Special tokens"). */
export const QWEN_SPECIAL_TOKENS: SpecialTokens = {
  endOfText: 151643,
  imStart: 151644,
  imEnd: 151645,
  visionStart: 151652,
  visionEnd: 151653,
  imagePad: 151655,
  videoPad: 151656,
  toolCall: 151657,
  toolCallEnd: 151658,
};

export class ConfigError extends DeepEyesError {
  constructor(message: string) {
    super('config', `${message}. Is this a Qwen2.5-VL / DeepEyes config.json?`);
    this.name = 'ConfigError';
  }
}

function num(obj: Record<string, unknown>, key: string, fallback?: number): number {
  const v = obj[key];
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (fallback !== undefined) return fallback;
  throw new ConfigError(`config field ${key} is missing or not a number`);
}

/** Parses config.json text or object. Newer transformers nest the text fields under text_config. */
export function parseQwenVLConfig(input: string | Record<string, unknown>): QwenVLConfig {
  const raw = (typeof input === 'string' ? JSON.parse(input) : input) as Record<string, unknown>;
  const text = { ...raw, ...((raw.text_config as Record<string, unknown>) ?? {}) };
  const v = raw.vision_config as Record<string, unknown> | undefined;
  if (!v) throw new ConfigError('config has no vision_config');
  const rope = (text.rope_scaling ?? {}) as Record<string, unknown>;
  const section = rope.mrope_section as number[] | undefined;
  if (!section || section.length !== 3)
    throw new ConfigError('rope_scaling.mrope_section must have 3 entries');
  const hidden = num(text, 'hidden_size');
  const heads = num(text, 'num_attention_heads');
  const headDim = hidden / heads;
  if (section[0] + section[1] + section[2] !== headDim / 2) {
    throw new ConfigError(`mrope_section ${section} does not sum to head_dim/2 = ${headDim / 2}`);
  }
  return {
    modelType: String(raw.model_type ?? 'qwen2_5_vl'),
    vision: {
      depth: num(v, 'depth'),
      hiddenSize: num(v, 'hidden_size'),
      numHeads: num(v, 'num_heads'),
      intermediateSize: num(v, 'intermediate_size'),
      outHiddenSize: num(v, 'out_hidden_size'),
      patchSize: num(v, 'patch_size', 14),
      temporalPatchSize: num(v, 'temporal_patch_size', 2),
      spatialMergeSize: num(v, 'spatial_merge_size', 2),
      windowSize: num(v, 'window_size', 112),
      fullattBlockIndexes: (v.fullatt_block_indexes as number[]) ?? [],
      inChannels: num(v, 'in_channels', 3),
    },
    text: {
      hiddenSize: hidden,
      numLayers: num(text, 'num_hidden_layers'),
      numHeads: heads,
      numKvHeads: num(text, 'num_key_value_heads'),
      headDim,
      intermediateSize: num(text, 'intermediate_size'),
      vocabSize: num(text, 'vocab_size'),
      rmsNormEps: num(text, 'rms_norm_eps', 1e-6),
      ropeTheta: num(text, 'rope_theta', 1e6),
      mropeSection: [section[0], section[1], section[2]],
      tieWordEmbeddings: Boolean(text.tie_word_embeddings ?? raw.tie_word_embeddings ?? false),
    },
    tokens: {
      ...QWEN_SPECIAL_TOKENS,
      imagePad: num(raw, 'image_token_id', QWEN_SPECIAL_TOKENS.imagePad),
      visionStart: num(raw, 'vision_start_token_id', QWEN_SPECIAL_TOKENS.visionStart),
      visionEnd: num(raw, 'vision_end_token_id', QWEN_SPECIAL_TOKENS.visionEnd),
    },
    visionEps: 1e-6,
  };
}
