/**
 * Node readers for the two benchmarks DeepEyes reports, with the layouts their official
 * evaluation scripts read (Visual-Agent/DeepEyes cc3ff4d6: eval/eval_vstar.py, eval/eval_hrbench.py;
 * penghao-wu/vstar: vstar_bench_eval.py; DreamMr/HR-Bench: hrbench/vlmeval/dataset/utils/hrbench.py).
 *
 * V* (`--vstar <dir>`): `<dir>/direct_attributes/` and `<dir>/relative_position/`; every file not
 * ending in .json is an image, its annotation is the same name with `.json`:
 *   {"target_object": [names], "bbox": [[x, y, w, h], ...], "question": str, "options": [str, ...]}
 * The right answer is ALWAYS options[0]: vstar_bench_eval.py scores `option_chosen == 0`, and
 * eval_vstar.py takes `correct_answer = anno['options'][0]` before shuffling. (bbox is x, y, width,
 * height: vstar_bench_eval.py's normalize_bbox adds bbox[2] to bbox[0].)
 *
 * HR-Bench (`--hrbench <file.tsv>`, hr_bench_4k.tsv / hr_bench_8k.tsv): a TSV read with
 * pandas.read_csv(sep='\t'); the columns used are `index` (optional), `image` (base64 of the
 * image file), `question`, `answer` (the right letter), `A`…`D` (the options), `category`
 * ('single' or 'cross'). Other columns (e.g. cycle_category) are ignored. The files are large
 * (one base64 image per row), so rows are streamed and an image is decoded only when its item runs.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { z } from 'zod';
import { decodeImageFile } from '../../image-io/node-image';
import { DatasetNotFoundError, MalformedDatasetError } from './errors';
import type { EvalDataset, EvalItem } from './item';
import { LETTERS } from './score';
import { xywhToBox } from './zoom-iou';
import { tsvRecords, UnterminatedQuoteError } from './tsv';

export const VSTAR_CATEGORIES = ['direct_attributes', 'relative_position'] as const;
export const HRBENCH_CATEGORIES = ['single', 'cross'] as const;

const VstarAnnotation = z.object({
  question: z.string().min(1),
  options: z.array(z.string()).min(2).max(26),
  target_object: z.array(z.string()).optional(),
  bbox: z.array(z.array(z.number()).length(4)).optional(),
});
export type VstarAnnotation = z.infer<typeof VstarAnnotation>;

/** Checks a V* annotation's shape; the message names the first bad field. */
export function parseVstarAnnotation(text: string, file: string): VstarAnnotation {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new MalformedDatasetError(
      file,
      '',
      `not JSON (${(e as Error).message})`,
      'Re-download the V* benchmark (craigwu/vstar_bench).',
    );
  }
  const r = VstarAnnotation.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new MalformedDatasetError(
      file,
      issue.path.length ? `field ${issue.path.join('.')}` : '',
      issue.message,
      'A V* annotation needs "question" (text) and "options" (2 to 26 texts, the right one first).',
    );
  }
  return r.data;
}

/** Lists and checks the whole V* folder (191 small JSON files); images are decoded per item. */
export async function readVstar(dir: string): Promise<EvalDataset> {
  const root = resolve(dir);
  const present = VSTAR_CATEGORIES.filter((c) => existsSync(join(root, c)));
  if (present.length === 0)
    throw new DatasetNotFoundError(
      root,
      'V* benchmark',
      `expected the folders ${VSTAR_CATEGORIES.join('/ and ')}/ in it; pass the folder that holds them`,
    );
  const items: EvalItem[] = [];
  for (const category of present) {
    const folder = join(root, category);
    // Sorted: os.listdir's order is arbitrary; a stable order makes --limit and resume repeatable.
    const names = (await readdir(folder)).filter((f) => !f.startsWith('.')).sort();
    const jsons = new Set(names.filter((f) => f.endsWith('.json')));
    for (const image of names.filter((f) => !f.endsWith('.json'))) {
      const stem = image.includes('.') ? image.slice(0, image.lastIndexOf('.')) : image;
      const annotationFile = join(folder, `${stem}.json`);
      if (!jsons.has(`${stem}.json`))
        throw new MalformedDatasetError(
          join(folder, image),
          '',
          `no annotation ${stem}.json beside the image`,
          'Every V* image needs its JSON; re-download the benchmark or remove stray files.',
        );
      const a = parseVstarAnnotation(await readFile(annotationFile, 'utf8'), annotationFile);
      const imagePath = join(folder, image);
      items.push({
        id: `${category}/${image}`,
        dataset: 'vstar',
        category,
        question: a.question,
        options: a.options,
        answerIndex: 0,
        imageName: image,
        ...(a.bbox?.length ? { targets: a.bbox.map(xywhToBox) } : {}),
        loadImage: async () => decodeImageFile(new Uint8Array(await readFile(imagePath))),
      });
    }
  }
  return {
    kind: 'vstar',
    name: 'vstar',
    categories: present,
    overallRule: 'items',
    size: items.length,
    items: (async function* () {
      yield* items;
    })(),
  };
}

/** Lines of a text file, read chunk by chunk: only the current line is held, never the file. */
export async function* readLines(path: string): AsyncGenerator<string> {
  const stream = createReadStream(path, { highWaterMark: 1 << 20 });
  let parts: Buffer[] = [];
  const text = () => {
    const s = Buffer.concat(parts).toString('utf8');
    parts = [];
    return s.endsWith('\r') ? s.slice(0, -1) : s;
  };
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let start = 0;
      for (;;) {
        const nl = chunk.indexOf(10, start);
        if (nl < 0) {
          if (start < chunk.length) parts.push(chunk.subarray(start));
          break;
        }
        parts.push(chunk.subarray(start, nl));
        start = nl + 1;
        yield text();
      }
    }
    if (parts.length > 0) yield text();
  } finally {
    stream.destroy();
  }
}

const HRBENCH_REQUIRED = ['image', 'question', 'answer', 'A', 'B', 'category'] as const;

interface HrBenchColumns {
  index?: number;
  image: number;
  question: number;
  answer: number;
  category: number;
  /** Option columns in letter order, from A up to the last letter column present. */
  options: number[];
}

function hrBenchColumns(header: string[], file: string): HrBenchColumns {
  const at = (name: string) => header.indexOf(name);
  const missing = HRBENCH_REQUIRED.filter((c) => at(c) < 0);
  if (missing.length > 0)
    throw new MalformedDatasetError(
      file,
      'header',
      `missing column(s) ${missing.join(', ')} (found: ${header.map((h) => h.slice(0, 20)).join(', ')})`,
      'Use hr_bench_4k.tsv or hr_bench_8k.tsv from DreamMr/HR-Bench as downloaded.',
    );
  const options: number[] = [];
  for (const l of LETTERS) {
    if (at(l) < 0) break;
    options.push(at(l));
  }
  return {
    ...(at('index') >= 0 ? { index: at('index') } : {}),
    image: at('image'),
    question: at('question'),
    answer: at('answer'),
    category: at('category'),
    options,
  };
}

function hrBenchItem(
  fields: string[],
  cols: HrBenchColumns,
  row: number,
  line: number,
  file: string,
): EvalItem {
  const where = `line ${line}`;
  const bad = (problem: string) =>
    new MalformedDatasetError(
      file,
      where,
      problem,
      'The row does not match the HR-Bench layout; re-download the file.',
    );
  const get = (i: number) => fields[i] ?? '';
  const question = get(cols.question);
  if (!question) throw bad('empty question');
  const category = get(cols.category);
  if (!category) throw bad('empty category');
  // pandas reads an empty cell as NaN and the loaders drop it: options end at the first empty one.
  const all = cols.options.map(get);
  const count = all.indexOf('') < 0 ? all.length : all.indexOf('');
  if (all.slice(count).some((o) => o !== '')) throw bad('an option is empty but a later one is not');
  if (count < 2) throw bad(`only ${count} option(s)`);
  const options = all.slice(0, count);
  const answer = get(cols.answer).trim();
  const answerIndex = LETTERS.indexOf(answer);
  if (answer.length !== 1 || answerIndex < 0 || answerIndex >= count)
    throw bad(`answer "${answer.slice(0, 20)}" is not the letter of one of the ${count} options`);
  let base64: string | undefined = get(cols.image);
  if (!base64) throw bad('empty image');
  const id = cols.index !== undefined && get(cols.index) !== '' ? get(cols.index) : String(row);
  return {
    id,
    dataset: 'hrbench',
    category,
    question,
    options,
    answerIndex,
    loadImage: async () => {
      if (base64 === undefined) throw new Error(`the image of HR-Bench item ${id} was already decoded`);
      const bytes = new Uint8Array(Buffer.from(base64, 'base64'));
      // Let the megabytes of text go as soon as they are bytes.
      base64 = undefined;
      return decodeImageFile(bytes);
    },
  };
}

async function* hrBenchItems(
  records: AsyncGenerator<{ fields: string[]; line: number }>,
  cols: HrBenchColumns,
  file: string,
): AsyncGenerator<EvalItem> {
  let row = 0;
  try {
    for await (const r of records) yield hrBenchItem(r.fields, cols, row++, r.line, file);
  } catch (e) {
    if (e instanceof UnterminatedQuoteError)
      throw new MalformedDatasetError(
        file,
        `line ${e.line}`,
        e.message,
        'The file is truncated or not a TSV.',
      );
    throw e;
  } finally {
    await records.return(undefined);
  }
}

/** Reads the header now (a bad file fails before any model loads); rows stream as they are iterated. */
export async function readHrBench(tsvPath: string): Promise<EvalDataset> {
  const file = resolve(tsvPath);
  if (!existsSync(file) || !statSync(file).isFile())
    throw new DatasetNotFoundError(file, 'HR-Bench TSV', 'pass hr_bench_4k.tsv or hr_bench_8k.tsv itself');
  const records = tsvRecords(readLines(file));
  let first;
  try {
    first = await records.next();
  } catch (e) {
    if (e instanceof UnterminatedQuoteError)
      throw new MalformedDatasetError(file, 'header', e.message, 'The file is not a TSV.');
    throw e;
  }
  if (first.done) throw new MalformedDatasetError(file, '', 'the file is empty', 'Re-download it.');
  const cols = hrBenchColumns(first.value.fields, file);
  return {
    kind: 'hrbench',
    name: basename(file).replace(/\.tsv$/i, ''),
    categories: HRBENCH_CATEGORIES,
    overallRule: 'categories',
    items: hrBenchItems(records, cols, file),
  };
}
