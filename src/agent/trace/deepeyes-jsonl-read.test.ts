import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  EvalJsonlError,
  optionsFromPrompt,
  parseEvalJsonl,
  recordConversation,
  recordGroundTruth,
  type EvalJsonlRecord,
} from './deepeyes-jsonl-read';
import { toDeepEyesJsonl } from './deepeyes-jsonl';
import { sampleTrace } from '../../../test/support/trace-fixtures';

// Written by hand in the format eval_vstar.py saves (not by our writer): two V* records.
const FIXTURE = readFileSync(
  resolve(import.meta.dirname, '../../../test/fixtures/vstar-official.jsonl'),
  'utf8',
);

describe('parseEvalJsonl', () => {
  it('reads the official V* records: question, options from the prompt, the model turns', () => {
    const { records, problems } = parseEvalJsonl(FIXTURE);
    expect(problems).toEqual([]);
    expect(records.map((r) => r.line)).toEqual([1, 2]);
    const c = recordConversation(records[0].record);
    expect(c.question).toBe('What is the colour of the flowers below the ladybird?');
    expect(c.options).toEqual(['white', 'pink', 'blue', 'yellow']);
    expect(c.rotateTool).toBe(false);
    expect(c.assistantTexts).toHaveLength(3);
    expect(c.assistantTexts[2]).toBe('<think>The petals are white.</think>\n<answer>A</answer>');
  });

  it('names each bad line and keeps the good records', () => {
    const lines = FIXTURE.trimEnd().split('\n');
    const text = [
      lines[0],
      '{"question": "q", "pred_output": "not a list"}',
      '{cut short',
      '',
      lines[1],
    ].join('\n');
    const { records, problems } = parseEvalJsonl(text);
    expect(records.map((r) => r.line)).toEqual([1, 5]);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^line 2: not an eval record \(field pred_output: /);
    expect(problems[1]).toMatch(/^line 3: not JSON/);
  });

  it('refuses a file with no record, naming the lines', () => {
    expect(() => parseEvalJsonl('')).toThrow(EvalJsonlError);
    expect(() => parseEvalJsonl('\n[1, 2]\nnope\n')).toThrow(/line 2: not an eval record.*line 3: not JSON/);
  });

  it('reads what our own writer writes (the same format)', () => {
    const t = sampleTrace();
    const { records } = parseEvalJsonl(toDeepEyesJsonl(t, { answer: 'x', answer_choice: 'B' }));
    const c = recordConversation(records[0].record);
    expect(c.question).toBe(t.question);
    expect(c.assistantTexts).toEqual(t.steps.map((s) => s.text));
  });
});

describe('ground truth', () => {
  const rec = (r: Partial<EvalJsonlRecord>): EvalJsonlRecord => ({ question: 'q', pred_output: [], ...r });
  it('V*: the answer is the right option text; its letter follows from the options', () => {
    expect(recordGroundTruth(rec({ answer: 'pink' }), ['white', 'pink'])).toEqual({
      answer: 'pink',
      choice: 'B',
    });
    expect(recordGroundTruth(rec({ answer: 'pink', answer_choice: 'C' }), [])).toEqual({
      answer: 'pink',
      choice: 'C',
    });
  });
  it('HR-Bench: the answer is the letter, answer_str the text', () => {
    expect(recordGroundTruth(rec({ answer: 'D', answer_str: 'a red car' }), [])).toEqual({
      answer: 'a red car',
      choice: 'D',
    });
    expect(recordGroundTruth(rec({ answer: 'B' }), ['x', 'y'])).toEqual({ answer: 'y', choice: 'B' });
  });
  it("boxes: V*'s [x, y, w, h] become corners; ours are corners already", () => {
    expect(recordGroundTruth(rec({ bbox: [[10, 20, 30, 40]] }), [])).toEqual({ boxes: [[10, 20, 40, 60]] });
    expect(recordGroundTruth(rec({ target_boxes: [[10, 20, 30, 40]] }), [])).toEqual({
      boxes: [[10, 20, 30, 40]],
    });
    expect(recordGroundTruth(rec({}), [])).toBeUndefined();
  });
  it('options: the lettered lines after "Options:"', () => {
    expect(optionsFromPrompt('Question: q\nOptions: \nA. one\nB. two. three\n\nThink first')).toEqual([
      'one',
      'two. three',
    ]);
    expect(optionsFromPrompt('Question: q\n')).toEqual([]);
  });
});
