import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GoldenSet } from '../../../test/support/golden-set';
import { ChatTemplate } from '../../model/tokenizer/chat-template';
import { loadTestTokenizer } from '../../convert/synth/test-tokenizer';
import {
  DEEPEYES_SYSTEM_PROMPT,
  DEEPEYES_USER_SUFFIX,
  PromptInputError,
  ROTATE_TOOL_JSON,
  expandImagePads,
  questionText,
  renderTurn1,
  systemPrompt,
  turn1Messages,
  turn1Text,
} from './prompts';

const golden = GoldenSet.publicSet();
const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
const goldenCase = golden.case;
const input = { question: goldenCase.question, options: goldenCase.options };

describe('deepeyes-prompts.json copy', () => {
  it('is the spec file byte for byte (its sha256, recorded from the shared spec)', () => {
    const copy = readFileSync(join(import.meta.dirname, 'deepeyes-prompts.json'));
    expect(createHash('sha256').update(copy).digest('hex')).toBe(
      '4e0123dd8ee724b9452d16664e91bb5404e70e1374aeacfb6047b776363f351e',
    );
  });

  it('has the spec lengths and sha256 (prefix…suffix)', () => {
    const sys = sha256(DEEPEYES_SYSTEM_PROMPT);
    const suf = sha256(DEEPEYES_USER_SUFFIX);
    expect(DEEPEYES_SYSTEM_PROMPT.length).toBe(1166);
    expect(sys.startsWith('1fc5b8b5') && sys.endsWith('7f99f')).toBe(true);
    expect(DEEPEYES_USER_SUFFIX.length).toBe(174);
    expect(suf.startsWith('e46e0760') && suf.endsWith('05e42')).toBe(true);
  });

  it('keeps the trained quirks', () => {
    expect(DEEPEYES_SYSTEM_PROMPT).toContain('"required":["bbox"]');
    expect(DEEPEYES_SYSTEM_PROMPT.endsWith('</tool_call>')).toBe(true);
    expect(DEEPEYES_SYSTEM_PROMPT).toContain('**Example**:  \n<tool_call>  \n');
    expect(DEEPEYES_USER_SUFFIX.startsWith('\nThink first')).toBe(true);
    expect(DEEPEYES_USER_SUFFIX.endsWith('</answer> ')).toBe(true);
    expect(DEEPEYES_USER_SUFFIX).toContain('as:  <think>');
  });
});

describe('turn 1', () => {
  const stock = ChatTemplate.stock();

  it('renders the golden turn1_text through the chat template', () => {
    expect(renderTurn1(stock, input)).toBe(golden.text('turn1_text.txt'));
  });

  it('expands the 63 pads to the golden text and ids (441)', () => {
    const text = turn1Text(stock, input, 63);
    expect(text).toBe(golden.text('turn1_text_expanded.txt'));
    const ids = loadTestTokenizer().encode(text);
    expect(ids).toEqual(golden.i64('turn1_input_ids').data);
    expect(ids.length).toBe(441);
  });

  it('builds question text as the official evals do', () => {
    expect(questionText('Q?', ['red', 'white'])).toBe('Question: Q?\nOptions: \nA. red\nB. white\n\n');
    expect(questionText('Q?')).toBe('Question: Q?\n');
    expect(questionText('Q?', [])).toBe('Question: Q?\n');
    // Three newlines before "Think" in the multiple-choice case.
    expect(questionText('Q?', ['a']) + DEEPEYES_USER_SUFFIX).toContain('A. a\n\n\nThink first');
    expect(questionText('Q?', ['a', 'b', 'c', 'd', 'e', 'f'])).toContain('\nF. f\n');
    expect(() => questionText('Q?', Array(27).fill('x'))).toThrow(PromptInputError);
  });

  it('puts the image before the text', () => {
    const [sys, user] = turn1Messages({ question: 'Q?' });
    expect(sys).toEqual({ role: 'system', content: DEEPEYES_SYSTEM_PROMPT });
    expect(user.content).toEqual([
      { type: 'image' },
      { type: 'text', text: 'Question: Q?\n' + DEEPEYES_USER_SUFFIX },
    ]);
  });

  it('expandImagePads checks the count of pads', () => {
    expect(expandImagePads('a<|image_pad|>b<|image_pad|>', [2, 1])).toBe(
      'a<|image_pad|><|image_pad|>b<|image_pad|>',
    );
    expect(() => expandImagePads('a<|image_pad|>', [1, 2])).toThrow(PromptInputError);
    expect(() => expandImagePads('a<|image_pad|>', [0])).toThrow(PromptInputError);
  });
});

describe('rotate tool variant (opt-in, zero-shot)', () => {
  it('leaves the default prompt untouched', () => {
    expect(systemPrompt()).toBe(DEEPEYES_SYSTEM_PROMPT);
    expect(systemPrompt({ rotateTool: false })).toBe(DEEPEYES_SYSTEM_PROMPT);
    expect(sha256(systemPrompt())).toBe(sha256(DEEPEYES_SYSTEM_PROMPT));
  });

  it('adds one tool line after the zoom tool, saying it was not trained', () => {
    const p = systemPrompt({ rotateTool: true });
    expect(p.replace(ROTATE_TOOL_JSON + '\n', '')).toBe(DEEPEYES_SYSTEM_PROMPT);
    expect(p.indexOf(ROTATE_TOOL_JSON)).toBeGreaterThan(p.indexOf('"name":"image_zoom_in_tool"'));
    expect(p.indexOf(ROTATE_TOOL_JSON)).toBeLessThan(p.indexOf('\n</tools>'));
    const tool = JSON.parse(ROTATE_TOOL_JSON) as { function: { name: string; description: string } };
    expect(tool.function.name).toBe('image_rotate_tool');
    expect(tool.function.description).toMatch(/not trained/);
    expect(tool.function.description).toMatch(/zero-shot/);
    const [sys] = turn1Messages({ question: 'Q?', rotateTool: true });
    expect(sys.content).toBe(p);
  });
});
