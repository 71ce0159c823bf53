import { describe, expect, it } from 'vitest';
import { answerVerdict, rightAnswerText } from './ground-truth';

describe('ground truth on the timeline', () => {
  it('names the right option by letter and text', () => {
    expect(rightAnswerText({ choice: 'A', answer: 'white' })).toBe('A. white');
    expect(rightAnswerText({ answer: 'white' })).toBe('white');
    expect(rightAnswerText({ boxes: [[0, 0, 1, 1]] })).toBeNull();
  });
  it('scores as the official rules do: a letter, "A.", the option text, else a judge', () => {
    const gt = { choice: 'A', answer: 'white' };
    expect(answerVerdict(gt, 'A')).toBe('correct');
    expect(answerVerdict(gt, 'B.')).toBe('wrong');
    expect(answerVerdict(gt, 'The flowers are white.')).toBe('correct');
    expect(answerVerdict(gt, 'They look pale')).toBe('needs_judge');
    expect(answerVerdict(gt, undefined)).toBeNull();
  });
});
