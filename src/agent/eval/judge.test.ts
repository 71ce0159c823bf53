import { describe, expect, it } from 'vitest';
import { judgePrompt, parseJudgement } from './judge';

describe('LLM judge', () => {
  it('the prompt ends with the item to judge, after the worked examples', () => {
    const p = judgePrompt('Is it red?', 'A. Yes, it is red.', 'it is red');
    expect(
      p.endsWith(
        '[Question]: Is it red?\n[Standard Answer]: A. Yes, it is red.\n[Model Answer]: it is red\nJudgement:',
      ),
    ).toBe(true);
    expect(p.split('Judgement:')).toHaveLength(7);
  });
  it('reads 1 or 0, after the last "Judgement:" when there is one; anything else is wrong', () => {
    expect(parseJudgement('1')).toBe('correct');
    expect(parseJudgement(' 0 ')).toBe('wrong');
    expect(parseJudgement('Judgement: 1')).toBe('correct');
    expect(parseJudgement('Judgement: 0 (the colours differ)')).toBe('wrong');
    expect(parseJudgement('consistent')).toBe('wrong');
    expect(parseJudgement('10')).toBe('wrong');
  });
});
