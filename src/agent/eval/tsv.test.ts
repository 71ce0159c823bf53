import { describe, expect, it } from 'vitest';
import { parseTsvRecord, tsvRecords, UnterminatedQuoteError } from './tsv';

async function* linesOf(text: string) {
  yield* text.split('\n');
}

async function collect(text: string) {
  const out = [];
  for await (const r of tsvRecords(linesOf(text))) out.push(r);
  return out;
}

describe('parseTsvRecord (pandas read_csv sep=\\t quoting)', () => {
  it.each([
    ['a\tb\tc', ['a', 'b', 'c']],
    ['a\t\tc\t', ['a', '', 'c', '']],
    ['', ['']],
    ['"a\tb"\tc', ['a\tb', 'c']],
    ['"say ""hi"""\tx', ['say "hi"', 'x']],
    ['""\tx', ['', 'x']],
    ['a "quoted" word\tx', ['a "quoted" word', 'x']],
    ['"ab"cd\tx', ['abcd', 'x']],
  ])('%j', (line, fields) => {
    expect(parseTsvRecord(line)).toEqual(fields);
  });

  it('says when a quoted field is still open', () => {
    expect(parseTsvRecord('a\t"open')).toBeUndefined();
    expect(parseTsvRecord('"x""')).toBeUndefined();
  });
});

describe('tsvRecords', () => {
  it('joins a quoted field across lines and skips blank lines', async () => {
    const recs = await collect('h1\th2\n\n"two\nlines"\tb\nc\td\n');
    expect(recs).toEqual([
      { fields: ['h1', 'h2'], line: 1 },
      { fields: ['two\nlines', 'b'], line: 3 },
      { fields: ['c', 'd'], line: 5 },
    ]);
  });

  it('throws a typed error when the file ends inside quotes', async () => {
    await expect(collect('a\tb\n"never closed\tc\n')).rejects.toBeInstanceOf(UnterminatedQuoteError);
    await expect(collect('a\tb\n"never closed\tc\n')).rejects.toThrow(/line 2/);
  });
});
