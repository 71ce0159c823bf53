import { beforeAll, describe, expect, it } from 'vitest';
import { GoldenSet } from '../../../test/support/golden-set';
import type { Tokenizer } from './tokenizer';
import { loadTestTokenizer } from '../../convert/synth/test-tokenizer';

let tok: Tokenizer;
beforeAll(() => {
  tok = loadTestTokenizer();
});

function streamAll(ids: number[], skipSpecial = false): string[] {
  const s = tok.createStreamDetokenizer({ skipSpecial });
  const deltas = ids.map((id) => s.push(id));
  deltas.push(s.flush());
  return deltas;
}

describe('StreamDetokenizer', () => {
  it('streams the golden chunk to exactly its text', () => {
    const ids = GoldenSet.publicSet().i64('turn2_chunk_input_ids').data;
    expect(streamAll(ids).join('')).toBe(GoldenSet.publicSet().text('turn2_chunk_text_expanded.txt'));
  });

  it('never emits half a character', () => {
    const text = '答案是红色。🦩🫠👍🏽 naïve café 龘 𓀀 <think>ok</think>';
    const ids = tok.encode(text);
    const deltas = streamAll(ids);
    expect(deltas.join('')).toBe(text);
    for (const d of deltas) expect(d).not.toContain('\uFFFD');
    // 🦩, 🫠, 龘 and 𓀀 are split over byte tokens, so some pushes must have held text back.
    expect(deltas.slice(0, -1).some((d) => d === '')).toBe(true);
  });

  it('a single emoji split over byte tokens comes out whole, once', () => {
    const ids = tok.encode('🫠');
    expect(ids.length).toBeGreaterThan(1);
    const deltas = streamAll(ids);
    expect(deltas.filter((d) => d !== '')).toEqual(['🫠']);
  });

  it('flush shows an unfinished character as U+FFFD, like a full decode', () => {
    const ids = tok.encode('a🦩');
    const cut = ids.slice(0, -1);
    const s = tok.createStreamDetokenizer();
    const out = cut.map((id) => s.push(id)).join('') + s.flush();
    expect(out).toBe(tok.decode(cut));
    expect(out.endsWith('\uFFFD')).toBe(true);
    expect(s.text).toBe(out);
  });

  it('skipSpecial leaves out special tokens and keeps the rest', () => {
    const ids = tok.encode('<answer>A</answer><|im_end|>');
    expect(streamAll(ids, true).join('')).toBe('<answer>A</answer>');
    expect(streamAll(ids, false).join('')).toBe('<answer>A</answer><|im_end|>');
  });
});
