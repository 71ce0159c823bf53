import { uniform as seededRandom } from '../../model/prng';
import { describe, expect, it } from 'vitest';
import {
  hash32,
  judgedText,
  letterOf,
  scoreChoice,
  shuffleForItem,
  shuffleOptions,
  summarize,
  type ChoiceKey,
  type ScoredItem,
} from './score';

const vstar = (letter: string, option: string): ChoiceKey => ({ letter, option, rule: 'letter-dot-option' });
const hr = (letter: string, option: string): ChoiceKey => ({ letter, option, rule: 'option' });

describe('scoreChoice: the official rule-based checks (judge_result.py / judge_result_hrbench.py)', () => {
  it.each([
    // one character: must be the letter, case-sensitive
    ['A', vstar('A', 'red'), 'correct'],
    ['B', vstar('A', 'red'), 'wrong'],
    ['a', vstar('A', 'red'), 'wrong'],
    [' ', vstar('A', 'red'), 'wrong'],
    // two characters with a '.': must contain the letter
    ['A.', vstar('A', 'red'), 'correct'],
    ['.A', vstar('A', 'red'), 'correct'],
    ['B.', vstar('A', 'red'), 'wrong'],
    ['a.', vstar('A', 'red'), 'wrong'],
    // two characters without '.', and longer: the "{L}. {option}" test, else a judge
    ['A ', vstar('A', 'red'), 'needs_judge'],
    ['AB', vstar('A', 'red'), 'needs_judge'],
    ['A. red', vstar('A', 'red'), 'correct'],
    ['The answer is A. red, clearly.', vstar('A', 'red'), 'correct'],
    ['B. red', vstar('A', 'red'), 'needs_judge'],
    ['A. Red', vstar('A', 'red'), 'needs_judge'],
    ['red', vstar('A', 'red'), 'needs_judge'],
    ['A) red', vstar('A', 'red'), 'needs_judge'],
    ['', vstar('A', 'red'), 'needs_judge'],
    // HR-Bench's judge accepts the option text alone
    ['red', hr('A', 'red'), 'correct'],
    ['It is red.', hr('A', 'red'), 'correct'],
    ['C. 27B', hr('C', '27B'), 'correct'],
    ['37B', hr('A', '27B'), 'needs_judge'],
    ['C', hr('C', '27B'), 'correct'],
    ['D.', hr('C', '27B'), 'wrong'],
    // \boxed{}: the inside of the first one, up to the first '}'
    ['\\boxed{B}', vstar('B', 'x'), 'correct'],
    ['so the answer is \\boxed{A}.', vstar('A', 'x'), 'correct'],
    ['\\boxed{C}', vstar('A', 'x'), 'wrong'],
    ['\\boxed{A. red} and \\boxed{B}', vstar('A', 'red'), 'correct'],
    ['\\boxed{B.}', vstar('B', 'x'), 'correct'],
    ['\\boxed{}', vstar('A', 'x'), 'needs_judge'],
    // Python's len() counts code points: one emoji is one character
    ['👍', vstar('A', 'x'), 'wrong'],
  ] as const)('%j with %j is %s', (pred, key, verdict) => {
    expect(scoreChoice(pred, key)).toBe(verdict);
  });

  it('takes what follows an unclosed \\boxed{ to the end', () => {
    expect(judgedText('x \\boxed{A')).toBe('A');
    expect(judgedText('no box')).toBe('no box');
    expect(judgedText('\\boxed A')).toBe('\\boxed A');
  });
});

describe('option shuffling', () => {
  it('letters', () => {
    expect([0, 1, 3, 25].map(letterOf)).toEqual(['A', 'B', 'D', 'Z']);
    expect(() => letterOf(26)).toThrow(RangeError);
  });

  it('hash32 is FNV-1a', () => {
    // Published FNV-1a 32-bit test vectors.
    expect(hash32('')).toBe(0x811c9dc5);
    expect(hash32('a')).toBe(0xe40c292c);
    expect(hash32('foobar')).toBe(0xbf9cf968);
  });

  it('the generator is reproducible and stays in [0, 1)', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(xs).toEqual(Array.from({ length: 1000 }, () => b()));
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(seededRandom(43)()).not.toBe(seededRandom(42)());
  });

  it('is a permutation and the answer follows its option', () => {
    const options = ['red', 'green', 'blue', 'white'];
    for (let seed = 0; seed < 200; seed++) {
      for (let answer = 0; answer < options.length; answer++) {
        const s = shuffleOptions(options, answer, seededRandom(seed));
        expect([...s.order].sort()).toEqual([0, 1, 2, 3]);
        expect(s.options).toEqual(s.order.map((i) => options[i]));
        expect(s.options[s.answerIndex]).toBe(options[answer]);
      }
    }
  });

  it('puts the right answer at each letter about equally often (V* lists it first)', () => {
    const counts = [0, 0, 0, 0];
    const n = 8000;
    for (let i = 0; i < n; i++)
      counts[shuffleForItem(['r', 'w1', 'w2', 'w3'], 0, 7, `item-${i}`).answerIndex]++;
    for (const c of counts) expect(Math.abs(c / n - 0.25)).toBeLessThan(0.02);
    const two = [0, 0];
    for (let i = 0; i < n; i++) two[shuffleForItem(['r', 'w'], 0, 7, `item-${i}`).answerIndex]++;
    expect(Math.abs(two[0] / n - 0.5)).toBeLessThan(0.02);
  });

  it('depends only on (seed, item id)', () => {
    const opts = ['a', 'b', 'c', 'd'];
    expect(shuffleForItem(opts, 0, 3, 'x/1.jpg')).toEqual(shuffleForItem(opts, 0, 3, 'x/1.jpg'));
    const orders = new Set(
      Array.from({ length: 50 }, (_, s) => shuffleForItem(opts, 0, s, 'x/1.jpg').order.join()),
    );
    expect(orders.size).toBeGreaterThan(10);
  });

  it('refuses an answer outside the options', () => {
    expect(() => shuffleOptions(['a', 'b'], 2, Math.random)).toThrow(RangeError);
  });
});

describe('summarize', () => {
  const item = (
    category: string,
    verdict: ScoredItem['verdict'],
    toolCalls = 0,
    error = false,
  ): ScoredItem => ({
    category,
    verdict,
    toolCalls,
    ...(error ? { error } : {}),
  });

  it('V*: per category, and overall over all questions', () => {
    const s = summarize(
      [
        item('direct_attributes', 'correct', 1),
        item('direct_attributes', 'correct', 2),
        item('direct_attributes', 'needs_judge', 0),
        item('relative_position', 'wrong', 1, true),
      ],
      'items',
      ['direct_attributes', 'relative_position'],
    );
    expect(s.categories).toEqual([
      { category: 'direct_attributes', n: 3, correct: 2, wrong: 0, needsJudge: 1, accuracy: 2 / 3 },
      { category: 'relative_position', n: 1, correct: 0, wrong: 1, needsJudge: 0, accuracy: 0 },
    ]);
    expect(s.overall).toBe(0.5);
    expect(s.n).toBe(4);
    expect(s.correct).toBe(2);
    expect(s.needsJudge).toBe(1);
    expect(s.errors).toBe(1);
    expect(s.meanToolCalls).toBe(1);
  });

  it('HR-Bench: overall is the mean of the two categories, not of the questions', () => {
    const s = summarize(
      [item('cross', 'wrong'), item('single', 'correct'), item('cross', 'wrong'), item('cross', 'correct')],
      'categories',
      ['single', 'cross'],
    );
    expect(s.categories.map((c) => [c.category, c.accuracy])).toEqual([
      ['single', 1],
      ['cross', 1 / 3],
    ]);
    expect(s.overall).toBeCloseTo((1 + 1 / 3) / 2, 12);
  });

  it('leaves out empty categories and adds unknown ones after the known', () => {
    const s = summarize([item('other', 'correct'), item('single', 'wrong')], 'categories', [
      'single',
      'cross',
    ]);
    expect(s.categories.map((c) => c.category)).toEqual(['single', 'other']);
    expect(s.overall).toBe(0.5);
    expect(summarize([], 'items')).toMatchObject({ n: 0, overall: 0, meanToolCalls: 0, categories: [] });
  });
});
