import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../agent/types';
import { sanitizeSettings } from './settings';

describe('sanitizeSettings', () => {
  it('fills defaults for missing or malformed input', () => {
    expect(sanitizeSettings(undefined)).toEqual(DEFAULT_SETTINGS);
    expect(sanitizeSettings('garbage')).toEqual(DEFAULT_SETTINGS);
    expect(sanitizeSettings({ maxCrops: 'six', rotateTool: 1 })).toEqual(DEFAULT_SETTINGS);
  });

  it('keeps valid values and clamps out-of-range ones', () => {
    const s = sanitizeSettings({
      maxCrops: 99,
      maxTokensPerTurn: 5.6,
      maxTotalTokens: 1e9,
      rotateTool: true,
    });
    expect(s).toMatchObject({ maxCrops: 16, maxTokensPerTurn: 6, maxTotalTokens: 32768, rotateTool: true });
    expect(sanitizeSettings({ maxTokensPerTurn: 0 }).maxTokensPerTurn).toBe(1);
  });

  it('accepts sampling with temperature/top-p and keeps an integer seed', () => {
    expect(
      sanitizeSettings({ sampling: { kind: 'sample', temperature: 0.7, topP: 0.9, seed: 42 } }).sampling,
    ).toEqual({
      kind: 'sample',
      temperature: 0.7,
      topP: 0.9,
      seed: 42,
    });
    expect(
      sanitizeSettings({ sampling: { kind: 'sample', temperature: -1, topP: 7, seed: 1.5 } }).sampling,
    ).toEqual({
      kind: 'sample',
      temperature: 0.05,
      topP: 1,
    });
    expect(sanitizeSettings({ sampling: { kind: 'beam' } }).sampling).toEqual({ kind: 'greedy' });
  });
});
