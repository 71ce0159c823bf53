/**
 * `npm run evaluate -- --server` against `npm run serve` on the tiny model, real HTTP on loopback:
 * a small V*-format set with --concurrency 4 completes, reports accuracy, zooms and IoU, writes
 * the results and their settings, and resumes. Also `run-model --server` writes a trace that
 * parses and replays like a local one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildTinyModel } from '../src/cli/build-tiny-model';
import { main as evaluate } from '../src/cli/eval';
import { main as runModel } from '../src/cli/run';
import { parseTrace } from '../src/agent/trace/trace-io';
import { scoreRecord, type EvalRecord } from '../src/agent/eval/evaluate';
import { VSTAR_FIXTURE, writeVstarFixture, testImage, type VstarFixtureItem } from './support/eval-fixtures';
import { startServe, type ServeProcess } from './support/serve-process';
import { encodePng } from '../src/image-io/png';
import { writeFile } from 'node:fs/promises';

const FIVE: VstarFixtureItem[] = [
  ...VSTAR_FIXTURE,
  { ...VSTAR_FIXTURE[0], file: 'sa_102.jpg', question: 'What is the colour of the block?' },
  { ...VSTAR_FIXTURE[1], file: 'sa_203.jpg', question: 'Is the square above or below the centre?' },
  { ...VSTAR_FIXTURE[0], file: 'sa_104.jpg', width: 80, height: 60 },
];

let work: string;
let serve: ServeProcess;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'eval-server-'));
  await buildTinyModel(join(work, 'tiny'), () => {});
  await writeVstarFixture(join(work, 'vstar'), FIVE);
  serve = await startServe([join(work, 'tiny'), '--port', '4226', '--name', 'tiny']);
}, 120_000);

afterAll(async () => {
  await serve?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

async function run(argv: string[]) {
  let out = '';
  const lines: string[] = [];
  const code = await evaluate(argv, (s) => void (out += s), { progress: (l) => lines.push(l) });
  return { code, out, lines };
}

describe('evaluate --server', () => {
  it('completes a V* set with --concurrency 4 and resumes', async () => {
    const out = join(work, 'results.jsonl');
    const argv = [
      '--server',
      serve.baseUrl,
      '--model',
      'tiny',
      '--vstar',
      join(work, 'vstar'),
      '--concurrency',
      '4',
      '--max-tokens',
      '3',
      '--shuffle',
      '--seed',
      '7',
      '--out',
      out,
      '--judge-model',
      'tiny',
    ];
    const first = await run(argv);
    expect(first.code, first.out).toBe(0);
    const records = (await readFile(out, 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as EvalRecord);
    expect(records.map((r) => r.id).sort()).toEqual(FIVE.map((f) => `${f.category}/${f.file}`).sort());
    for (const r of records) {
      expect(r.model).toBe('tiny');
      expect(r.shuffle_seed).toBe(7);
      // Every fixture has a target box: each record says how the zooms matched it.
      expect(Array.isArray(r.zoom_boxes)).toBe(true);
      // The target as corners in original pixels (the fixture's V* box is [x, y, 10, 8]), so the
      // page's eval import can draw it.
      const [x1, y1, x2, y2] = r.target_boxes![0];
      expect([x2 - x1, y2 - y1]).toEqual([10, 8]);
      expect(typeof r.best_iou).toBe('number');
      expect(typeof r.covers_target_centre).toBe('boolean');
    }
    // Answers the rules cannot score went to the judge (the same server); the others did not.
    for (const r of records) {
      const { judge, ...unjudged } = r;
      const needsJudge = scoreRecord(unjudged as EvalRecord).verdict === 'needs_judge';
      expect(judge !== undefined).toBe(needsJudge);
      if (judge) expect(r.score).toBe(judge);
    }
    // The tiny model's greedy answers are gibberish, so the judge was asked at least once.
    expect(records.some((r) => r.judge !== undefined)).toBe(true);
    // The printed accuracy is the records' own verdicts, counted here.
    const correct = records.map(scoreRecord).filter((s) => s.verdict === 'correct').length;
    expect(first.out).toMatch(new RegExp(`overall \\(mean of questions\\)\\s+5\\s+${correct}\\s`));
    expect(first.out).toMatch(/mean tool calls per question/);
    expect(first.out).toMatch(/zooms vs V\* target boxes: \d+\/5 question\(s\) zoomed; mean best IoU [\d.]+/);
    // The progress line ends at 5/5.
    expect(first.lines.at(-1)).toMatch(/\[#+\]\s+5\/5\s+100%/);

    const meta = JSON.parse(await readFile(`${out}.meta.json`, 'utf8')) as Record<string, unknown>;
    expect(meta).toMatchObject({
      dataset: 'vstar',
      model: 'tiny',
      server: serve.baseUrl,
      shuffle_seed: 7,
      concurrency: 4,
      judge: { server: serve.baseUrl, model: 'tiny' },
      settings: { maxTokensPerTurn: 3, sampling: { kind: 'greedy' } },
    });

    const again = await run(argv);
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/resuming .*: 5 question\(s\) already answered/);
  }, 120_000);

  it('run-model --server writes a trace that parses like a local one', async () => {
    const img = join(work, 'q.png');
    await writeFile(img, encodePng(testImage(64, 48, 1)));
    let out = '';
    const code = await runModel(
      [
        '--server',
        serve.baseUrl,
        '--model',
        'tiny',
        img,
        'What color is the square?',
        '--options',
        'red,green',
        '--max-tokens',
        '3',
        '--trace',
        join(work, 't.json'),
      ],
      (s) => void (out += s),
    );
    expect(code, out).toBe(0);
    const trace = parseTrace(JSON.parse(await readFile(join(work, 't.json'), 'utf8')));
    expect(trace.backend).toBe('server/127.0.0.1:4226');
    expect(trace.steps[0].generatedTokens).toBe(3);
    expect(out).toMatch(/prefilled \d+ new tokens, generated 3/);
  }, 60_000);
});
