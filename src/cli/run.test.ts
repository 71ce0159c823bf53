import { describe, expect, it } from 'vitest';
import { parseRunArgs, RunUsageError } from './run';

describe('run CLI arguments', () => {
  it('parses positionals, options and sampling', () => {
    const a = parseRunArgs([
      'm',
      'img.png',
      'What is it?',
      '--options',
      'red, white',
      '--temperature',
      '0.7',
      '--top-p',
      '0.9',
      '--max-crops',
      '3',
    ]);
    expect(a.modelDir).toBe('m');
    expect(a.options).toEqual(['red', 'white']);
    expect(a.settings.sampling).toEqual({ kind: 'sample', temperature: 0.7, topP: 0.9, seed: 0 });
    expect(a.settings.maxCrops).toBe(3);
    expect(a.settings.rotateTool).toBe(false);
  });
  it('defaults to greedy and refuses bad input with usage', () => {
    expect(parseRunArgs(['m', 'i', 'q']).settings.sampling).toEqual({ kind: 'greedy' });
    expect(() => parseRunArgs(['m', 'i'])).toThrow(RunUsageError);
    expect(() => parseRunArgs(['m', 'i', 'q', '--max-crops', 'lots'])).toThrow(/must be a number/);
  });
});
