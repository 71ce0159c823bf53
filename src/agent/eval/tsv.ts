/**
 * Tab-separated records as pandas.read_csv(sep='\t') reads them (the official HR-Bench loaders
 * use it): a field that starts with '"' is quoted, may hold tabs and newlines, and doubles its
 * inner quotes; a quote anywhere else is a plain character. Pure: lines in, fields out.
 */
import { DeepEyesError } from '../../base/errors';

/** Fields of one record, or undefined while a quoted field is still open (the record goes on on the next line). */
export function parseTsvRecord(text: string): string[] | undefined {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (text.charCodeAt(i) === 34 /* " */) {
      let value = '';
      let j = i + 1;
      for (;;) {
        const q = text.indexOf('"', j);
        if (q < 0) return undefined;
        value += text.slice(j, q);
        if (text.charCodeAt(q + 1) === 34) {
          value += '"';
          j = q + 2;
          continue;
        }
        j = q + 1;
        break;
      }
      // Characters after the closing quote and before the tab belong to the field (pandas keeps them).
      const tab = text.indexOf('\t', j);
      value += text.slice(j, tab < 0 ? text.length : tab);
      fields.push(value);
      if (tab < 0) return fields;
      i = tab + 1;
    } else {
      const tab = text.indexOf('\t', i);
      fields.push(text.slice(i, tab < 0 ? text.length : tab));
      if (tab < 0) return fields;
      i = tab + 1;
    }
  }
}

export interface TsvRecord {
  fields: string[];
  /** 1-based line where the record starts. */
  line: number;
}

/** Joins lines into records (a quoted field may span lines); skips blank lines. */
export async function* tsvRecords(lines: AsyncIterable<string>): AsyncGenerator<TsvRecord> {
  let pending: string | undefined;
  let start = 0;
  let lineNo = 0;
  for await (const line of lines) {
    lineNo++;
    if (pending === undefined) {
      if (line === '') continue;
      pending = line;
      start = lineNo;
    } else pending += '\n' + line;
    const fields = parseTsvRecord(pending);
    if (fields) {
      pending = undefined;
      yield { fields, line: start };
    }
  }
  if (pending !== undefined) throw new UnterminatedQuoteError(start);
}

export class UnterminatedQuoteError extends DeepEyesError {
  constructor(readonly line: number) {
    super('unterminated_quote', `a quoted field opened on line ${line} is never closed`);
    this.name = 'UnterminatedQuoteError';
  }
}
