import { describe, expect, it } from 'vitest';
import { evaluateDataset, presentItem, scoreRecord, type EvalRecord } from './evaluate';
import type { EvalDataset, EvalItem } from './item';
import { summarize } from './score';
import { PerItemScriptedEngine } from '../../../test/support/scripted-per-item';
import { testImage } from '../../../test/support/eval-fixtures';
import { loadTestTokenizer } from '../../convert/synth/test-tokenizer';
import { ChatTemplate } from '../../model/tokenizer/chat-template';
import { DEFAULT_SETTINGS } from '../types';

const tokenizer = loadTestTokenizer();
const template = ChatTemplate.stock();

const zoom = (box: number[]) =>
  `<think>Let me look closer.</think>\n<tool_call>\n{"name": "image_zoom_in_tool", "arguments": {"bbox_2d": [${box.join(', ')}], "label": "square"}}\n</tool_call>`;
const answer = (a: string) => `<think>I can see it now.</think>\n<answer>${a}</answer><|im_end|>`;

function vstarItems(): EvalItem[] {
  return [
    {
      id: 'direct_attributes/sa_1.jpg',
      dataset: 'vstar',
      category: 'direct_attributes',
      question: 'What is the color of the square?',
      options: ['red', 'green', 'blue', 'white'],
      answerIndex: 0,
      imageName: 'sa_1.jpg',
      loadImage: async () => testImage(200, 150),
    },
    {
      id: 'relative_position/sa_2.jpg',
      dataset: 'vstar',
      category: 'relative_position',
      question: 'Is the square left or right?',
      options: ['left', 'right'],
      answerIndex: 0,
      imageName: 'sa_2.jpg',
      loadImage: async () => testImage(120, 120),
    },
  ];
}

function dataset(items: EvalItem[], kind: 'vstar' | 'hrbench' = 'vstar'): EvalDataset {
  return {
    kind,
    name: kind,
    categories: kind === 'vstar' ? ['direct_attributes', 'relative_position'] : ['single', 'cross'],
    overallRule: kind === 'vstar' ? 'items' : 'categories',
    items: (async function* () {
      yield* items;
    })(),
  };
}

const settings = DEFAULT_SETTINGS;
let tick = 0;
const clock = () => (tick += 1.5);

describe('evaluateDataset on a scripted engine', () => {
  it('one right after a zoom, one wrong: records and summary numbers', async () => {
    const engine = new PerItemScriptedEngine(tokenizer, template, [
      [zoom([60, 40, 110, 90]), answer('A')],
      [answer('B')],
    ]);
    const lines: string[] = [];
    const outcome = await evaluateDataset(engine, dataset(vstarItems()), {
      settings,
      clock,
      onItem: (r) => void lines.push(r.record.id),
    });
    expect(outcome.cancelled).toBe(false);
    expect(outcome.skipped).toEqual([]);
    expect(lines).toEqual(['direct_attributes/sa_1.jpg', 'relative_position/sa_2.jpg']);
    const [a, b] = outcome.results.map((r) => r.record);
    // The official V* record fields, in their order, then ours.
    expect(Object.keys(a).slice(0, 8)).toEqual([
      'image',
      'question',
      'answer',
      'answer_choice',
      'pred_ans',
      'pred_output',
      'category',
      'status',
    ]);
    expect(a).toMatchObject({
      image: 'sa_1.jpg',
      answer: 'red',
      answer_choice: 'A',
      pred_ans: 'A',
      status: 'success',
      id: 'direct_attributes/sa_1.jpg',
      score: 'correct',
      tool_calls: 1,
      tool_errors: 0,
      seconds: 1.5,
      end_reason: 'answer',
      model: 'scripted-eval',
      shuffle_seed: null,
      options: ['red', 'green', 'blue', 'white'],
    });
    // pred_output: system, user, assistant (zoom), user (crop), assistant (answer)
    expect(a.pred_output.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user', 'assistant']);
    expect(b).toMatchObject({
      answer: 'left',
      answer_choice: 'A',
      pred_ans: 'B',
      score: 'wrong',
      tool_calls: 0,
    });

    const s = summarize(
      outcome.results.map((r) => scoreRecord(r.record)),
      'items',
      ['direct_attributes', 'relative_position'],
    );
    expect(s.categories.map((c) => [c.category, c.n, c.correct, c.accuracy])).toEqual([
      ['direct_attributes', 1, 1, 1],
      ['relative_position', 1, 0, 0],
    ]);
    expect(s.overall).toBe(0.5);
    expect(s.meanToolCalls).toBe(0.5);
    expect(s.needsJudge).toBe(0);
  });

  it('shuffles per item and scores against the moved letter', async () => {
    const items = vstarItems();
    const seed = 11;
    const shown = items.map((it) => presentItem(it, seed));
    const letter = (i: number) => 'ABCD'[shown[i].answerIndex];
    const wrongLetter = 'ABCD'[(shown[1].answerIndex + 1) % 2];
    const engine = new PerItemScriptedEngine(tokenizer, template, [
      [answer(`${letter(0)}. red`)],
      [answer(`\\boxed{${wrongLetter}}`)],
    ]);
    const { results } = await evaluateDataset(engine, dataset(items), { settings, shuffleSeed: seed, clock });
    const [a, b] = results.map((r) => r.record);
    expect(a.options).toEqual(shown[0].options);
    expect(a.options[shown[0].answerIndex]).toBe('red');
    expect(a).toMatchObject({ answer: 'red', answer_choice: letter(0), score: 'correct', shuffle_seed: 11 });
    expect(b).toMatchObject({ answer: 'left', answer_choice: letter(1), score: 'wrong' });
    // The model was shown the shuffled order.
    expect(a.pred_output[1].content).toContainEqual({
      type: 'text',
      text: expect.stringContaining(shown[0].options.map((o, i) => `${'ABCD'[i]}. ${o}\n`).join('')),
    });
  });

  it('skips done ids, stops at --limit, and reports a broken image as an error', async () => {
    const items = vstarItems();
    items.push({
      ...items[1],
      id: 'relative_position/sa_3.jpg',
      loadImage: async () => Promise.reject(new Error('bad JPEG')),
    });
    items.push({ ...items[1], id: 'relative_position/sa_4.jpg' });
    const engine = new PerItemScriptedEngine(tokenizer, template, [[answer('left')]]);
    const outcome = await evaluateDataset(engine, dataset(items), {
      settings,
      clock,
      limit: 3,
      done: new Set(['direct_attributes/sa_1.jpg']),
    });
    expect(outcome.skipped).toEqual(['direct_attributes/sa_1.jpg']);
    expect(outcome.results.map((r) => [r.position, r.record.id, r.record.score, r.record.status])).toEqual([
      [1, 'relative_position/sa_2.jpg', 'needs_judge', 'success'],
      [2, 'relative_position/sa_3.jpg', 'wrong', 'error'],
    ]);
    expect(outcome.results[1].record.error).toBe('image: bad JPEG');
    expect(engine.runs).toBe(1);
  });

  it('HR-Bench records: answer is the letter, answer_str the text; option text alone counts', async () => {
    const item: EvalItem = {
      id: '17',
      dataset: 'hrbench',
      category: 'cross',
      question: 'Which number is above the door?',
      options: ['27B', '37B', '27D', '27E'],
      answerIndex: 2,
      loadImage: async () => testImage(100, 80),
    };
    const engine = new PerItemScriptedEngine(tokenizer, template, [[answer('The number is 27D.')]]);
    const { results } = await evaluateDataset(engine, dataset([item], 'hrbench'), { settings, clock });
    const r: EvalRecord = results[0].record;
    expect(Object.keys(r).slice(0, 7)).toEqual([
      'question',
      'answer',
      'answer_str',
      'pred_ans',
      'pred_output',
      'category',
      'status',
    ]);
    expect(r).toMatchObject({ answer: 'C', answer_str: '27D', category: 'cross', score: 'correct' });
    expect(scoreRecord(r)).toEqual({ category: 'cross', verdict: 'correct', toolCalls: 0 });
  });

  it('stops without a record when cancelled', async () => {
    const controller = new AbortController();
    const engine = new PerItemScriptedEngine(tokenizer, template, [[answer('A')], [answer('A')]]);
    const outcome = await evaluateDataset(engine, dataset(vstarItems()), {
      settings,
      clock,
      signal: controller.signal,
      onItem: () => controller.abort(),
    });
    expect(outcome.cancelled).toBe(true);
    expect(outcome.results).toHaveLength(1);
  });
});
