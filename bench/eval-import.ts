/**
 * Bench part "eval-import": how long turning an official eval record into a trace takes (the page
 * does it on opening a record: hash the picture, keep it as a JPEG bounded to 2048 px, cut and
 * resize each crop). The record is test/fixtures/vstar-official.jsonl's first (two zooms, an
 * answer); the pictures are synthetic at V*'s mean size, the sample photo's, and 4096x4096 (the
 * page's working cap). In Node the JPEG encoder is jpeg-js; the browser uses its native one.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseEvalJsonl } from '../src/agent/trace/deepeyes-jsonl-read';
import { evalRecordTrace } from '../src/agent/trace/eval-record-trace';

const FIXTURE = resolve(import.meta.dirname, '../test/fixtures/vstar-official.jsonl');
export const EVAL_IMPORT_SIZES = [
  [2246, 1582],
  [2560, 1600],
  [4096, 4096],
] as const;

export interface EvalImportRow {
  width: number;
  height: number;
  /** Best of the repeats. */
  ms: number;
}

export async function runEvalImportBench({ repeats }: { repeats: number }): Promise<EvalImportRow[]> {
  const [first] = parseEvalJsonl(readFileSync(FIXTURE, 'utf8')).records;
  const rows: EvalImportRow[] = [];
  for (const [width, height] of EVAL_IMPORT_SIZES) {
    const data = new Uint8Array(width * height * 3);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7) & 255;
    let best = Infinity;
    for (let r = 0; r < repeats; r++) {
      const t0 = performance.now();
      await evalRecordTrace(first, { width, height, data }, { fileName: 'bench.jsonl' });
      best = Math.min(best, performance.now() - t0);
    }
    rows.push({ width, height, ms: best });
  }
  return rows;
}
