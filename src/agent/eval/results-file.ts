/**
 * The results file (--out): one EvalRecord per line, appended as each item finishes, so an
 * interrupted run resumes by skipping the ids already there. Node only.
 */
import { DeepEyesError } from '../../base/errors';
import { existsSync } from 'node:fs';
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import type { EvalRecord } from './evaluate';
import type { DatasetKind } from './item';

export class ResultsFileError extends DeepEyesError {
  constructor(
    readonly file: string,
    problem: string,
  ) {
    super('results_file', `${file}: ${problem}. Pass another --out, or delete the file to start over.`);
    this.name = 'ResultsFileError';
  }
}

/** The fields resuming and re-scoring need; everything else is kept as it is. */
const StoredRecord = z.looseObject({
  id: z.string(),
  dataset: z.enum(['vstar', 'hrbench']),
  category: z.string(),
  question: z.string(),
  pred_ans: z.string(),
  status: z.enum(['success', 'error']),
  tool_calls: z.number(),
  answer: z.string().optional(),
  answer_choice: z.string().optional(),
  answer_str: z.string().optional(),
});

export interface StoredResults {
  records: EvalRecord[];
  /** Lines that did not parse (a write cut short by a kill): dropped, their items run again. */
  broken: number;
}

export async function readResults(file: string, dataset: DatasetKind): Promise<StoredResults> {
  if (!existsSync(file)) return { records: [], broken: 0 };
  const records: EvalRecord[] = [];
  let broken = 0;
  const lines = (await readFile(file, 'utf8')).split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line) continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      broken++;
      continue;
    }
    const r = StoredRecord.safeParse(json);
    if (!r.success)
      throw new ResultsFileError(
        file,
        `line ${i + 1} is not a record of this tool (${r.error.issues[0].path.join('.')}: ${r.error.issues[0].message})`,
      );
    if (r.data.dataset !== dataset)
      throw new ResultsFileError(file, `it holds ${r.data.dataset} results, not ${dataset}`);
    records.push(r.data as unknown as EvalRecord);
  }
  return { records, broken };
}

/** Rewrites the file with only the good records (after broken lines were found). */
export async function rewriteResults(file: string, records: readonly EvalRecord[]): Promise<void> {
  await writeFile(file, records.map((r) => JSON.stringify(r) + '\n').join(''));
}

/** One line in one write call, so a kill leaves at most the last line cut short. */
export async function appendResult(file: string, record: EvalRecord): Promise<void> {
  await appendFile(file, JSON.stringify(record) + '\n');
}
