import { describe, expect, it } from 'vitest';
import { GoldenSet } from '../../../test/support/golden-set';
import { zoomFrame } from '../tools/crop';
import { loadTestTokenizer } from '../../convert/synth/test-tokenizer';
import type { Segment } from '../types';
import { parseAssistantTurn } from './parse';
import { TurnSegmenter } from './segmenter';
import { zoomBoxValidator, type ToolCallOptions } from './tool-call';

const opts: ToolCallOptions = { validateBox: zoomBoxValidator(zoomFrame(250, 190)) };

/** Feeds `text` in pieces; returns each segment with the length of text fed when it appeared. */
function feed(text: string, pieces: string[]): { at: number; segment: Segment }[] {
  expect(pieces.join('')).toBe(text);
  const s = new TurnSegmenter(opts);
  const out: { at: number; segment: Segment }[] = [];
  let fed = 0;
  for (const p of pieces) {
    fed += p.length;
    for (const segment of s.push(p)) out.push({ at: fed, segment });
  }
  return out;
}

const chars = (t: string) => [...t];

describe('TurnSegmenter', () => {
  const text = GoldenSet.publicSet().case.assistant_text;

  it('emits think and tool_call as soon as each closes (character stream)', () => {
    const out = feed(text, chars(text));
    expect(out.map((o) => o.segment)).toEqual([
      { kind: 'think', text: 'I should look closer.' },
      {
        kind: 'tool_call',
        call: {
          name: 'image_zoom_in_tool',
          label: 'the sign',
          bboxModel: [120, 40, 220, 150],
          bboxOriginal: [120, 40, 220, 150],
        },
      },
    ]);
    expect(out[0].at).toBe(text.indexOf('</think>') + '</think>'.length);
    expect(out[1].at).toBe(text.length);
  });

  it('works on token deltas from the stream detokenizer', () => {
    const tok = loadTestTokenizer();
    const detok = tok.createStreamDetokenizer();
    const pieces = tok.encode(text).map((id) => detok.push(id));
    pieces.push(detok.flush());
    expect(feed(text, pieces).map((o) => o.segment.kind)).toEqual(['think', 'tool_call']);
  });

  it('emits the answer, and an error segment for a bad tool call', () => {
    const ans = '<think>ok</think>\n<answer> B </answer>';
    expect(feed(ans, chars(ans)).map((o) => o.segment)).toEqual([
      { kind: 'think', text: 'ok' },
      { kind: 'answer', text: 'B' },
    ]);
    const bad = '<tool_call>\n{"name": "nope", "arguments": {}}\n</tool_call>';
    expect(feed(bad, [bad]).map((o) => o.segment)).toEqual([
      { kind: 'error', message: 'Unknown tool name: nope' },
    ]);
  });

  it('orders segments that close in one delta by position, and agrees with parseAssistantTurn', () => {
    const t = '<think>a</think><answer>C</answer>';
    const out = feed(t, [t]).map((o) => o.segment);
    expect(out).toEqual([
      { kind: 'think', text: 'a' },
      { kind: 'answer', text: 'C' },
    ]);
    const parsed = parseAssistantTurn(t, opts);
    expect(parsed.think).toBe('a');
    expect(parsed.action).toEqual({ kind: 'answer', text: 'C' });
  });

  it('a model that never stops: nothing closes, the open block is visible', () => {
    const s = new TurnSegmenter(opts);
    const pieces = ['<think>', ...Array(500).fill('still thinking > ')];
    for (const p of pieces) expect(s.push(p)).toEqual([]);
    expect(s.open?.tag).toBe('think');
    expect(s.open?.partial).toBe(pieces.slice(1).join(''));
    expect(s.fullText).toBe(pieces.join(''));
  });
});
