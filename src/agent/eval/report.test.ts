import { describe, expect, it } from 'vitest';
import { formatItemLine, formatSummary } from './report';
import { summarize } from './score';
import type { EvalRecord } from './evaluate';

const record = (over: Partial<EvalRecord>): EvalRecord =>
  ({
    question: 'q',
    pred_ans: 'A',
    pred_output: [],
    status: 'success',
    id: 'direct_attributes/sa_1.jpg',
    dataset: 'vstar',
    category: 'direct_attributes',
    options: ['red', 'blue'],
    answer: 'red',
    answer_choice: 'A',
    score: 'correct',
    tool_calls: 1,
    tool_errors: 0,
    seconds: 8.24,
    end_reason: 'answer',
    model: 'm',
    shuffle_seed: null,
    ...over,
  }) as EvalRecord;

describe('report', () => {
  it('one line per item', () => {
    expect(formatItemLine(11, record({}))).toBe(
      '#12  direct_attributes/sa_1.jpg  answer A  pred "A"  correct  tools 1  8.2 s',
    );
    expect(
      formatItemLine(
        0,
        record({
          dataset: 'hrbench',
          id: '5',
          answer: 'C',
          answer_str: '27D',
          pred_ans: 'The number above the door is clearly 27B, I think, looking closely',
          score: 'needs_judge',
          tool_calls: 0,
          tool_errors: 2,
          status: 'error',
          error: 'boom',
        }),
      ),
    ).toBe(
      '#1  5  answer C  pred "The number above the door is clearly 27…"  judge?  tools 0 (+2 bad)  8.2 s  error: boom',
    );
  });

  it('summary table: per category, overall with its rule, tool calls, judge count', () => {
    const s = summarize(
      [
        { category: 'single', verdict: 'correct', toolCalls: 2 },
        { category: 'cross', verdict: 'needs_judge', toolCalls: 1 },
        { category: 'cross', verdict: 'correct', toolCalls: 0 },
      ],
      'categories',
      ['single', 'cross'],
    );
    expect(formatSummary('hr_bench_4k', s)).toBe(
      [
        'hr_bench_4k: 3 question(s)',
        'category                      n  correct  wrong  judge?  accuracy',
        'single                        1        1      0       0    100.0%',
        'cross                         2        1      0       1     50.0%',
        'overall (mean of categories)  3        2              1     75.0%',
        'mean tool calls per question: 1.00',
        '1 answer(s) need an LLM judge (counted as wrong above; the official judge_result*.py scripts can score them)',
        '',
      ].join('\n'),
    );
  });
});
