import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GoldenSet } from '../../../test/support/golden-set';
import { DEEPEYES_SYSTEM_PROMPT, DEEPEYES_USER_SUFFIX, userText } from '../protocol/prompts';
import { toDeepEyesJsonl, toDeepEyesRecord } from './deepeyes-jsonl';
import { traceJsonSchema } from './json-schema';
import { writeTraceJsonSchema } from './node-write-json-schema';
import { isPngDataUrl, PNG_DATA_URL_PREFIX } from './png-data-url';
import { goldenPngDataUrl, sampleTrace } from '../../../test/support/trace-fixtures';

describe('PNG data URLs', () => {
  it('accepts the golden PNG and refuses other bytes', () => {
    expect(isPngDataUrl(goldenPngDataUrl())).toBe(true);
    const gif = PNG_DATA_URL_PREFIX + btoa('GIF89a\x01\x00\x01\x00\x00\x00');
    expect(isPngDataUrl(gif)).toBe(false);
    expect(isPngDataUrl(PNG_DATA_URL_PREFIX)).toBe(false);
  });
});

describe('JSON Schema export', () => {
  it('describes the strict trace object', () => {
    const s = traceJsonSchema() as {
      type: string;
      additionalProperties: boolean;
      required: string[];
      properties: Record<string, { const?: unknown; maxLength?: number }>;
    };
    expect(s.type).toBe('object');
    expect(s.additionalProperties).toBe(false);
    expect(s.required).toEqual(expect.arrayContaining(['format', 'version', 'image', 'settings', 'steps']));
    expect(s.properties.version.const).toBe(2);
    expect(s.properties.format.const).toBe('deepeyes-trace');
    expect(s.properties.question.maxLength).toBe(100_000);
  });

  it('is written to a file by writeTraceJsonSchema', () => {
    const dir = mkdtempSync(join(tmpdir(), 'trace-schema-'));
    try {
      const path = join(dir, 'sub', 'trace.schema.json');
      writeTraceJsonSchema(path);
      expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual(traceJsonSchema());
    } finally {
      rmSync(dir, { recursive: true });
    }
  });
});

describe('toDeepEyesJsonl (DeepEyes eval output shape)', () => {
  it('writes the V* fields in the eval order, one line', () => {
    const line = toDeepEyesJsonl(sampleTrace(), { image: 'sa_1.jpg', answer: 'red', answer_choice: 'A' });
    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1)).not.toContain('\n');
    const rec = JSON.parse(line);
    expect(Object.keys(rec)).toEqual([
      'image',
      'question',
      'answer',
      'answer_choice',
      'pred_ans',
      'pred_output',
      'status',
    ]);
    expect(rec.pred_ans).toBe('A');
    expect(rec.status).toBe('success');
  });

  it('writes pred_output like the eval print_messages (images blanked)', () => {
    const { question, options, assistant_text } = GoldenSet.publicSet().case;
    const blank = { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,' } };
    expect(toDeepEyesRecord(sampleTrace()).pred_output).toEqual([
      { role: 'system', content: DEEPEYES_SYSTEM_PROMPT },
      { role: 'user', content: [blank, { type: 'text', text: userText(question, options) }] },
      { role: 'assistant', content: assistant_text },
      { role: 'user', content: [blank, { type: 'text', text: DEEPEYES_USER_SUFFIX }] },
      { role: 'assistant', content: '<think>It is red.</think>\n<answer>A</answer>' },
    ]);
  });

  it('HR-Bench fields, errors, and runs without an answer', () => {
    const t = sampleTrace();
    t.endReason = 'error';
    delete t.finalAnswer;
    t.steps[1].action = { kind: 'none', text: t.steps[1].text };
    t.steps.push({
      ...t.steps[1],
      index: 2,
      text: 'It is red.',
      action: { kind: 'tool_error', message: "'bbox_2d'", callText: '{}' },
    });
    const rec = toDeepEyesRecord(t, { answer: 'A', answer_str: 'red', category: 'single' });
    expect(Object.keys(rec)).toEqual([
      'question',
      'answer',
      'answer_str',
      'pred_ans',
      'pred_output',
      'category',
      'status',
    ]);
    expect(rec.status).toBe('error');
    expect(rec.pred_ans).toBe('It is red.');
    expect(rec.pred_output.at(-1)).toEqual({
      role: 'user',
      content: [{ type: 'text', text: "Error: 'bbox_2d'" }],
    });
  });
});
