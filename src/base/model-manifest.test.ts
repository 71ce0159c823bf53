import { describe, expect, it } from 'vitest';
import { validateManifest } from './model-manifest';

const base = {
  format_version: 1,
  model_id: 'm',
  files: [{ path: 'onnx/vision_encoder.onnx', bytes: 3, sha256: 'a'.repeat(64) }],
  variants: {
    fp32: {
      files: ['onnx/vision_encoder.onnx'],
      required_features: [],
      max_single_tensor_bytes: 0,
      total_bytes: 3,
    },
  },
};

describe('validateManifest: vision_attention_chunks', () => {
  it('is optional (older folders) and, when present, a positive integer', () => {
    expect(validateManifest(base).ok).toBe(true);
    const chunked = validateManifest({ ...base, vision_attention_chunks: 16 });
    expect(chunked.ok && chunked.manifest.vision_attention_chunks).toBe(16);
    for (const bad of [0, 2.5, -1, '16']) {
      expect(validateManifest({ ...base, vision_attention_chunks: bad }).ok).toBe(false);
    }
  });
});
