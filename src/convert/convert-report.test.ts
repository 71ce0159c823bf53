import { describe, expect, it } from 'vitest';
import { ConvertUsageError, formatBytes, formatQuantTable, parseConvertArgs } from './convert-report';

describe('parseConvertArgs', () => {
  it('reads folders, dtypes, components and flags', () => {
    expect(parseConvertArgs(['hf', 'out', '--dtype', 'fp32,q4', '--resume', '--chunk-mb', '512'])).toEqual({
      hfDir: 'hf',
      outDir: 'out',
      dtypes: ['fp32', 'q4'],
      components: undefined,
      resume: true,
      debugHidden: false,
      chunkLimit: 512 * 1024 * 1024,
      modelId: undefined,
    });
    expect(parseConvertArgs(['a', 'b', '--components', 'decoder']).dtypes).toEqual(['q4']);
    expect(parseConvertArgs(['a', 'b', '--components', 'decoder']).components).toEqual(['decoder']);
  });

  it('rejects unknown dtypes, missing folders and chunks of 2 GB', () => {
    expect(() => parseConvertArgs(['a', 'b', '--dtype', 'int8'])).toThrow(ConvertUsageError);
    expect(() => parseConvertArgs(['a'])).toThrow(/two arguments/);
    expect(() => parseConvertArgs(['a', 'b', '--chunk-mb', '2048'])).toThrow(ConvertUsageError);
  });

  it('reads --vision-chunks as a positive integer', () => {
    expect(parseConvertArgs(['a', 'b', '--vision-chunks', '16']).visionChunks).toBe(16);
    expect(parseConvertArgs(['a', 'b']).visionChunks).toBeUndefined();
    for (const bad of ['0', '2.5', 'x']) {
      expect(() => parseConvertArgs(['a', 'b', '--vision-chunks', bad])).toThrow(ConvertUsageError);
    }
  });
});

describe('formatQuantTable', () => {
  it('aligns the columns and keeps the numbers readable', () => {
    const table = formatQuantTable([
      {
        file: 'onnx/decoder_model_merged_q4.onnx',
        tensor: 'lm_head.weight',
        format: 'q4',
        maxAbs: 0.0191,
        relRms: 0.06504,
      },
      {
        file: 'onnx/embed_tokens_q4.onnx',
        tensor: 'model.embed_tokens.weight',
        format: 'table-q4',
        maxAbs: 0.2165,
        relRms: 0.065,
      },
    ]).split('\n');
    expect(table[0]).toMatch(/^file\s+tensor\s+format\s+max_abs\s+rel_rms$/);
    expect(table[2]).toContain('decoder_model_merged_q4.onnx  lm_head.weight');
    expect(table[2].endsWith('1.910e-2  0.06504')).toBe(true);
    expect(new Set(table.map((l) => l.length)).size).toBe(1);
    expect(formatQuantTable([])).toMatch(/no int4/);
  });

  it('formats byte counts', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(272 * 1024 * 1024)).toBe('272.0 MB');
  });
});
