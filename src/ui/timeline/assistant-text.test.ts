import { describe, expect, it } from 'vitest';
import { GoldenSet, type GoldenCase } from '../../../test/support/golden-set';
import { splitAssistantText } from './assistant-text';

const text = GoldenSet.publicSet().json<GoldenCase>('case.json').assistant_text;

describe('splitAssistantText', () => {
  it('splits the golden assistant turn into thinking and a tool call', () => {
    const parts = splitAssistantText(text);
    expect(parts.map((p) => [p.kind, p.closed])).toEqual([
      ['think', true],
      ['tool_call', true],
    ]);
    expect(parts[0].text).toBe('I should look closer.');
    expect(JSON.parse(parts[1].text).arguments.bbox_2d).toEqual([120, 40, 220, 150]);
  });

  it('handles every cut point of a stream without showing half tags', () => {
    for (let n = 0; n <= text.length; n++) {
      const parts = splitAssistantText(text.slice(0, n));
      for (const p of parts) expect(p.text).not.toMatch(/<\/?(t(h(i(nk?)?)?)?|to.*)$/);
    }
    expect(splitAssistantText('<think>I sh')).toEqual([{ kind: 'think', text: 'I sh', closed: false }]);
    expect(splitAssistantText('<think>done</thi')).toEqual([{ kind: 'think', text: 'done', closed: false }]);
    expect(splitAssistantText('<thi')).toEqual([]);
  });

  it('keeps untagged text and answers', () => {
    expect(splitAssistantText('plain words\n<answer>B</answer>')).toEqual([
      { kind: 'text', text: 'plain words', closed: true },
      { kind: 'answer', text: 'B', closed: true },
    ]);
  });
});
