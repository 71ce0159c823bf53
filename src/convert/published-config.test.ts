import { describe, expect, it } from 'vitest';
import { GoldenSet } from '../../test/support/golden-set';
import { parseQwenVLConfig } from '../model/config';
import { publishedConfig } from './published-config';

const source = GoldenSet.publicSet().text('config.json');

describe('publishedConfig', () => {
  it('adds text_config with the top-level text fields; our parser reads the same config', () => {
    const out = JSON.parse(publishedConfig(source, new Map()));
    const raw = JSON.parse(source);
    expect(out.text_config).toMatchObject({
      model_type: 'qwen2_5_vl_text',
      hidden_size: raw.hidden_size,
      num_hidden_layers: raw.num_hidden_layers,
      num_key_value_heads: raw.num_key_value_heads,
      rope_scaling: raw.rope_scaling,
    });
    expect(out.text_config.vision_config).toBeUndefined();
    expect(out.vision_config).toEqual(raw.vision_config);
    expect(parseQwenVLConfig(JSON.stringify(out))).toEqual(parseQwenVLConfig(source));
  });

  it('keeps a checkpoint text_config and lists only files with external data, by file name', () => {
    const nested = JSON.stringify({ ...JSON.parse(source), text_config: { hidden_size: 7 } });
    const out = JSON.parse(
      publishedConfig(
        nested,
        new Map([
          ['onnx/vision_encoder_q4.onnx', 0],
          ['onnx/decoder_model_merged_q4.onnx', 2],
        ]),
      ),
    );
    expect(out.text_config).toEqual({ hidden_size: 7 });
    expect(out['transformers.js_config']).toEqual({
      use_external_data_format: { 'decoder_model_merged_q4.onnx': 2 },
    });
  });
});
