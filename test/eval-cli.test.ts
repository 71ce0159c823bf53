/**
 * The `evaluate` command end to end: the bundled pipeline-check model on tiny V* and HR-Bench
 * fixtures (real decode, real onnxruntime, records on disk, resume), and the same command on a
 * scripted engine whose answers are known, to check the printed summary numbers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, writeFile, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildTinyModel } from '../src/cli/build-tiny-model';
import { EvalUsageError, main, parseEvalArgs, type EvalDeps } from '../src/cli/eval';
import { ResultsFileError } from '../src/agent/eval/results-file';
import { PerItemScriptedEngine } from './support/scripted-per-item';
import { hrBenchFixtureRows, hrBenchTsv, writeVstarFixture, VSTAR_FIXTURE } from './support/eval-fixtures';
import { presentItem } from '../src/agent/eval/evaluate';
import { loadTestTokenizer } from '../src/convert/synth/test-tokenizer';
import { ChatTemplate } from '../src/model/tokenizer/chat-template';

const THREE_VSTAR = [
  ...VSTAR_FIXTURE,
  { ...VSTAR_FIXTURE[1], file: 'sa_303.jpg', question: 'Is the square above or below the line?' },
];

let work: string;
const model = () => join(work, 'model');
const vstar = () => join(work, 'vstar');
const tsv = () => join(work, 'hr_bench_4k.tsv');

async function run(argv: string[], deps?: EvalDeps): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await main(argv, (s) => void (out += s), deps);
  return { code, out };
}

async function records(file: string): Promise<Record<string, unknown>[]> {
  return (await readFile(file, 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'eval-cli-'));
  await buildTinyModel(model(), () => {});
  await writeVstarFixture(vstar(), THREE_VSTAR);
  await writeFile(tsv(), hrBenchTsv(hrBenchFixtureRows()));
});
afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('evaluate arguments', () => {
  it('parses the dataset, limit, shuffle seed and agent settings', () => {
    const a = parseEvalArgs([
      'm',
      '--vstar',
      'v',
      '--limit',
      '2',
      '--shuffle',
      '--seed',
      '7',
      '--max-tokens',
      '8',
      '--out',
      'o.jsonl',
    ]);
    expect(a).toMatchObject({ modelDir: 'm', vstar: 'v', limit: 2, shuffleSeed: 7, out: 'o.jsonl' });
    expect(a.settings).toMatchObject({ maxTokensPerTurn: 8, sampling: { kind: 'greedy' } });
    expect(parseEvalArgs(['m', '--hrbench', 'h.tsv', '--shuffle'])).toMatchObject({
      hrbench: 'h.tsv',
      shuffleSeed: 0,
    });
    expect(parseEvalArgs(['m', '--hrbench', 'h.tsv']).shuffleSeed).toBeUndefined();
  });

  it.each([
    [['--vstar', 'v'], /missing <model-dir>/],
    [['m'], /exactly one of --vstar/],
    [['m', '--vstar', 'v', '--hrbench', 'h'], /exactly one of --vstar/],
    [['m', '--vstar', 'v', '--limit', '0'], /--limit must be a whole number/],
    [['m', '--vstar', 'v', '--limit', '1.5'], /--limit must be a whole number/],
    [['m', '--vstar', 'v', '--seed', '3'], /--seed only matters with --shuffle/],
    [['m', '--vstar'], /--vstar needs a value/],
    [['m', 'extra', '--vstar', 'v'], /unexpected argument "extra"/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseEvalArgs(argv)).toThrow(EvalUsageError);
    expect(() => parseEvalArgs(argv)).toThrow(message);
  });
});

describe('evaluate on the tiny model', () => {
  it('V*: --limit 2 writes two records, a second run resumes and adds only the third', async () => {
    const out = join(work, 'vstar.jsonl');
    const first = await run([model(), '--vstar', vstar(), '--limit', '2', '--max-tokens', '8', '--out', out]);
    expect(first.code).toBe(0);
    expect(first.out).toContain('#1  direct_attributes/sa_101.jpg  answer A');
    expect(first.out).toContain('#2  relative_position/sa_202.jpg  answer A');
    expect(first.out).toContain('vstar: 2 question(s)');
    expect(first.out).toContain('mean tool calls per question:');
    expect(first.out).toContain('without --shuffle every V* question has its right answer at A');
    const recs = await records(out);
    expect(recs.map((r) => [r.id, r.image, r.answer, r.answer_choice, r.category, r.status])).toEqual([
      ['direct_attributes/sa_101.jpg', 'sa_101.jpg', 'red', 'A', 'direct_attributes', 'success'],
      [
        'relative_position/sa_202.jpg',
        'sa_202.jpg',
        'The square is on the left.',
        'A',
        'relative_position',
        'success',
      ],
    ]);
    // Random weights: 8 tokens of nonsense per question, so the turn ends on the token budget.
    expect(recs.every((r) => r.end_reason === 'budget' && typeof r.pred_ans === 'string')).toBe(true);

    const second = await run([model(), '--vstar', vstar(), '--max-tokens', '8', '--out', out]);
    expect(second.code).toBe(0);
    expect(second.out).toContain('resuming');
    expect(second.out).toContain('2 question(s) already answered');
    expect(second.out).not.toContain('#1 ');
    expect(second.out).toContain('#3  relative_position/sa_303.jpg');
    expect(second.out).toContain('vstar: 3 question(s)');
    expect((await records(out)).map((r) => r.id)).toEqual([
      'direct_attributes/sa_101.jpg',
      'relative_position/sa_202.jpg',
      'relative_position/sa_303.jpg',
    ]);
  });

  it('HR-Bench: shuffled options, the letter follows the right option', async () => {
    const out = join(work, 'hr.jsonl');
    const { code, out: text } = await run([
      model(),
      '--hrbench',
      tsv(),
      '--limit',
      '2',
      '--shuffle',
      '--seed',
      '3',
      '--max-tokens',
      '8',
      '--out',
      out,
    ]);
    expect(code).toBe(0);
    expect(text).toContain('hr_bench_4k: 2 question(s)');
    expect(text).toContain('overall (mean of categories)');
    const rows = hrBenchFixtureRows();
    const recs = await records(out);
    expect(recs).toHaveLength(2);
    for (const [i, r] of recs.entries()) {
      const right = rows[i].options['ABCD'.indexOf(rows[i].answer)];
      expect(r.answer_str).toBe(right);
      expect((r.options as string[])[(r.answer as string).charCodeAt(0) - 65]).toBe(right);
      expect([...(r.options as string[])].sort()).toEqual([...rows[i].options].sort());
      expect(r.shuffle_seed).toBe(3);
      expect(r.category).toBe(rows[i].category);
    }
  });

  it('refuses to resume from a file of another dataset', async () => {
    const file = join(work, 'other.jsonl');
    const vstarRecord = {
      question: 'q',
      pred_ans: 'A',
      status: 'success',
      id: 'direct_attributes/x.jpg',
      dataset: 'vstar',
      category: 'direct_attributes',
      tool_calls: 0,
    };
    await writeFile(file, JSON.stringify(vstarRecord) + '\n');
    await expect(run([model(), '--hrbench', tsv(), '--out', file])).rejects.toBeInstanceOf(ResultsFileError);
    await writeFile(file, '{"question": "an official DeepEyes record", "pred_ans": "A"}\n');
    await expect(run([model(), '--vstar', vstar(), '--out', file])).rejects.toThrow(
      /line 1 is not a record of this tool/,
    );
  });
});

describe('evaluate on a scripted engine', () => {
  it('drops a line cut short by a kill and runs that question again', async () => {
    const tokenizer = loadTestTokenizer();
    const scripted = (n: number): EvalDeps => ({
      loadEngine: async () => ({
        engine: new PerItemScriptedEngine(
          tokenizer,
          ChatTemplate.stock(),
          Array.from({ length: n }, () => ['<answer>A</answer><|im_end|>']),
        ),
        dispose: async () => {},
      }),
    });
    const out = join(work, 'cut.jsonl');
    await run(['scripted', '--vstar', vstar(), '--limit', '1', '--out', out], scripted(1));
    await appendFile(out, '{"id": "relative_position/sa_2');
    const { code, out: text } = await run(
      ['scripted', '--vstar', vstar(), '--limit', '2', '--out', out],
      scripted(1),
    );
    expect(code).toBe(0);
    expect(text).toContain('dropping 1 unreadable line(s)');
    expect(text).toContain('#2  relative_position/sa_202.jpg');
    expect((await records(out)).map((r) => r.id)).toEqual([
      'direct_attributes/sa_101.jpg',
      'relative_position/sa_202.jpg',
    ]);
  });

  it('warns when resuming a file written by another model or shuffle', async () => {
    const out = join(work, 'mixed.jsonl');
    const engineOf = (modelId: string, scripts: string[][]) => {
      const engine = new PerItemScriptedEngine(loadTestTokenizer(), ChatTemplate.stock(), scripts, modelId);
      return { engine, deps: { loadEngine: async () => ({ engine, dispose: async () => {} }) } };
    };
    const first = engineOf('model-one', [['<answer>A</answer><|im_end|>']]);
    await run(['scripted', '--vstar', vstar(), '--limit', '1', '--out', out], first.deps);
    const second = engineOf('model-two', []);
    const { code, out: text } = await run(
      ['scripted', '--vstar', vstar(), '--limit', '1', '--shuffle', '--out', out],
      second.deps,
    );
    expect(code).toBe(0);
    expect(second.engine.runs).toBe(0);
    expect(text).toContain('the results file also holds answers of "model-one"; the summary mixes models');
    expect(text).toContain('earlier answers were asked with other option orders (not shuffled)');
    expect(text).toContain('vstar: 1 question(s)');
  });

  it('one right, one wrong: the summary numbers', async () => {
    const tokenizer = loadTestTokenizer();
    const zoom = `<think>closer</think>\n<tool_call>\n{"name": "image_zoom_in_tool", "arguments": {"bbox_2d": [5, 5, 50, 40], "label": "square"}}\n</tool_call>`;
    const ans = (a: string) => `<think>ok</think>\n<answer>${a}</answer><|im_end|>`;
    // With --shuffle the right letter moves: script against the order the model will be shown.
    const seed = 5;
    const letter = (k: number) =>
      'ABCD'[
        presentItem(
          {
            id: `${THREE_VSTAR[k].category}/${THREE_VSTAR[k].file}`,
            dataset: 'vstar',
            category: THREE_VSTAR[k].category,
            question: '',
            options: THREE_VSTAR[k].options,
            answerIndex: 0,
            loadImage: () => Promise.reject(new Error('unused')),
          },
          seed,
        ).answerIndex
      ];
    const wrong = letter(1) === 'A' ? 'B' : 'A';
    const engine = new PerItemScriptedEngine(tokenizer, ChatTemplate.stock(), [
      [zoom, zoom, ans(letter(0))],
      [ans(wrong)],
    ]);
    let disposed = false;
    let t = 0;
    const deps: EvalDeps = {
      loadEngine: async () => ({ engine, dispose: async () => void (disposed = true) }),
      clock: () => (t += 2),
    };
    const out = join(work, 'scripted.jsonl');
    const { code, out: text } = await run(
      ['scripted', '--vstar', vstar(), '--limit', '2', '--shuffle', '--seed', String(seed), '--out', out],
      deps,
    );
    expect(code).toBe(0);
    expect(disposed).toBe(true);
    expect(text).not.toContain('right answer at A');
    expect(text).toContain(
      `#1  direct_attributes/sa_101.jpg  answer ${letter(0)}  pred "${letter(0)}"  correct  tools 2  2.0 s`,
    );
    expect(text).toContain(
      `#2  relative_position/sa_202.jpg  answer ${letter(1)}  pred "${wrong}"  WRONG  tools 0  2.0 s`,
    );
    expect(text).toContain(
      [
        'vstar: 2 question(s)',
        'category                     n  correct  wrong  judge?  accuracy',
        'direct_attributes            1        1      0       0    100.0%',
        'relative_position            1        0      1       0      0.0%',
        'overall (mean of questions)  2        1              0     50.0%',
        'mean tool calls per question: 1.00',
      ].join('\n'),
    );
    expect(text).not.toContain('need an LLM judge');
  });
});
