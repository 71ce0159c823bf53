import { describe, expect, it } from 'vitest';
import { parseShareHash, shareHash } from './share-state';

describe('share link state', () => {
  it('round-trips a sample, a step, a model and non-default settings', () => {
    const s = {
      sample: 'two-wings',
      step: 1,
      model: 'tiny-random',
      settings: {
        maxCrops: 3,
        maxTokensPerTurn: 512,
        maxTotalTokens: 4096,
        sampling: { kind: 'sample' as const, temperature: 0.7, topP: 0.9, seed: 42 },
      },
      kiosk: true,
    };
    const h = shareHash(s);
    expect(h).toBe(
      '#sample=two-wings&step=2&model=tiny-random&crops=3&tokens=512&total=4096&sampling=sample&temp=0.7&topp=0.9&seed=42&kiosk=1',
    );
    expect(parseShareHash(h)).toEqual(s);
  });

  it('leaves default settings out of the link', () => {
    expect(
      shareHash({
        sample: 'ladybird',
        settings: { maxCrops: 6, maxTokensPerTurn: 2048, sampling: { kind: 'greedy' } },
      }),
    ).toBe('#sample=ladybird');
  });

  it('ignores malformed or hostile values instead of throwing', () => {
    expect(parseShareHash('#sample=../../etc&step=-1&crops=9999&tokens=x&model=<script>')).toEqual({});
    expect(parseShareHash('')).toEqual({});
    expect(parseShareHash('#step=0')).toEqual({});
    // Out of the settings' bounds (temperature 0.05..2, top-p 0.05..1, 0..16 crops) or not plain
    // decimals: dropped, and the sampling falls back to temperature 1, top-p 1.
    expect(parseShareHash('#sampling=sample&temp=9&topp=1e-1&crops=17&seed=-3')).toEqual({
      settings: { sampling: { kind: 'sample', temperature: 1, topP: 1 } },
    });
  });
});
