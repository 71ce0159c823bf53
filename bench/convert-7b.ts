/**
 * npx tsx bench/convert-7b.ts [--work /work/big] [--reuse-checkpoint] [--interrupt-after 170]
 *                             [--grids 32x32,48x48,64x64] [--tokens 8] [--skip convert,run,vision] [--cleanup]
 *
 * The converter at real DeepEyes-7B scale, end to end (see bench/convert-7b.md):
 *   1. scripts/synth-7b.ts writes the synthetic 7B checkpoint (bf16, 5 shards + index, 16.6 GB);
 *   2. `src/cli/convert.ts --dtype q4` converts it, is interrupted (SIGINT) once the journal holds
 *      `--interrupt-after` tensors, and is resumed with --resume (it must skip what was done); the
 *      sha256 of every output file is recorded, to compare with an uninterrupted run;
 *   3. bench/run-7b.ts loads the result in onnxruntime-node and generates from a text-only prompt
 *      and from a small image;
 *   4. bench/vision-scaling.ts runs the vision encoder alone at growing grids (one process each).
 * Every step runs as its own process at nice 10 with its peak RSS sampled from /proc. Figures go
 * to stdout and to <work>/convert-7b-results.json. Needs ~25 GB of disk, takes 20-30 min on
 * 2 cores. Not used by tests.
 */
import { createHash } from 'node:crypto';
import {
  createReadStream,
  existsSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { formatBytes } from '../src/convert/convert-report';
import { JOURNAL_FILE } from '../src/convert/convert-journal';
import type { DeepEyesManifest } from '../src/base/model-manifest';
import { MANIFEST_FILE } from '../src/base/model-manifest';
import { resultLine, runMeasured, type MeasuredRun } from './proc-stats';
import type { Run7bResult } from './run-7b';
import type { VisionResult } from './vision-scaling';

const ROOT = resolve(import.meta.dirname, '..');
const NODE_TS = ['--import', 'tsx'];

interface StepFigures {
  wallS: number;
  peakRssGiB: number;
}

function figures(r: MeasuredRun): StepFigures {
  return { wallS: r.wallMs / 1000, peakRssGiB: r.peakRss / 2 ** 30 };
}

function fileSizes(dir: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const f of readdirSync(dir).sort()) {
    const s = statSync(join(dir, f));
    if (s.isFile()) out[f] = s.size;
  }
  return out;
}

async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 8 << 20 })) h.update(chunk as Buffer);
  return h.digest('hex');
}

async function sha256Dir(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const f of Object.keys(fileSizes(dir))) out[f] = await sha256File(join(dir, f));
  return out;
}

function journalLines(outDir: string): number {
  const p = join(outDir, JOURNAL_FILE);
  if (!existsSync(p)) return 0;
  return readFileSync(p, 'utf8')
    .split('\n')
    .filter((l) => l.includes('"kind":"tensor"')).length;
}

function check(r: MeasuredRun, what: string): void {
  if (r.code !== 0) {
    throw new Error(`${what} failed (exit ${r.code ?? r.signal}):\n${r.stderr.slice(-3000)}`);
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      work: { type: 'string', default: '/work/big' },
      'reuse-checkpoint': { type: 'boolean', default: false },
      'interrupt-after': { type: 'string', default: '170' },
      grids: { type: 'string', default: '32x32,48x48,64x64' },
      tokens: { type: 'string', default: '8' },
      skip: { type: 'string', default: '' },
      cleanup: { type: 'boolean', default: false },
    },
  });
  const work = resolve(values.work!);
  const hfDir = join(work, 'deepeyes-7b-hf');
  const outDir = join(work, 'deepeyes-7b-onnx');
  const results: Record<string, unknown> = { date: new Date().toISOString() };
  const save = () =>
    writeFileSync(join(work, 'convert-7b-results.json'), JSON.stringify(results, null, 2) + '\n');
  const log = (s: string) => console.log(s);
  const skip = new Set((values.skip ?? '').split(',').filter(Boolean));

  // 1. The synthetic checkpoint.
  if (values['reuse-checkpoint'] && existsSync(join(hfDir, 'model.safetensors.index.json'))) {
    log(`reusing ${hfDir}`);
  } else {
    rmSync(hfDir, { recursive: true, force: true });
    log(`writing the synthetic DeepEyes-7B checkpoint to ${hfDir} ...`);
    const r = await runMeasured('node', [...NODE_TS, 'scripts/synth-7b.ts', '--out', hfDir], { cwd: ROOT });
    check(r, 'synth-7b');
    results.checkpoint = { ...figures(r), files: fileSizes(hfDir) };
    log(`  ${r.wallMs / 1000} s, peak RSS ${formatBytes(r.peakRss)}`);
    save();
  }

  // 2. Convert to q4, interrupted once, then resumed.
  if (skip.has('convert') && existsSync(join(outDir, MANIFEST_FILE))) log(`reusing ${outDir}`);
  else await convertStep();

  // 3. Load and generate.
  if (!skip.has('run')) await generateStep();
  // 4. Vision encoder memory against image size.
  if (!skip.has('vision')) await visionStep();
  log(JSON.stringify(results, null, 2));

  if (values.cleanup) {
    rmSync(hfDir, { recursive: true, force: true });
    rmSync(outDir, { recursive: true, force: true });
  }

  async function convertStep(): Promise<void> {
    rmSync(outDir, { recursive: true, force: true });
    const convertArgs = [
      ...NODE_TS,
      'src/cli/convert.ts',
      hfDir,
      outDir,
      '--dtype',
      'q4',
      '--model-id',
      'deepeyes-7b-synth',
    ];
    // The plan converts embed (1 tensor), decoder (339: 90% of the bytes), vision (390). 170 journal
    // entries stops the run mid-decoder, inside its third external-data chunk.
    const stopAt = Number(values['interrupt-after']);
    log(`converting (q4), interrupting after ${stopAt} tensors ...`);
    let interruptedAt = 0;
    const first = await runMeasured('node', convertArgs, {
      cwd: ROOT,
      onStart: (child) => {
        const timer = setInterval(() => {
          const n = journalLines(outDir);
          if (n >= stopAt) {
            interruptedAt = n;
            child.kill('SIGINT');
            clearInterval(timer);
          }
        }, 500);
        timer.unref();
      },
    });
    if (first.code !== 130) check(first, 'convert (first part)');
    const journalAfterStop = journalLines(outDir);
    log(
      `  first part: exit ${first.code}, ${first.wallMs / 1000} s, peak RSS ${formatBytes(first.peakRss)}, journal ${journalAfterStop}`,
    );
    const second = await runMeasured('node', [...convertArgs, '--resume'], { cwd: ROOT });
    check(second, 'convert --resume');
    const resumed = Number(/resumed: (\d+) tensors/.exec(second.stdout)?.[1] ?? 0);
    log(
      `  resumed part: ${second.wallMs / 1000} s, peak RSS ${formatBytes(second.peakRss)}, ${resumed} tensors skipped`,
    );
    const manifest = JSON.parse(readFileSync(join(outDir, MANIFEST_FILE), 'utf8')) as DeepEyesManifest;
    results.convert = {
      first: { ...figures(first), exit: first.code, interruptedAt, journalAfterStop },
      resumed: { ...figures(second), restoredTensors: resumed },
      totalWallS: (first.wallMs + second.wallMs) / 1000,
      peakRssGiB: Math.max(first.peakRss, second.peakRss) / 2 ** 30,
      onnxFiles: fileSizes(join(outDir, 'onnx')),
      onnxSha256: await sha256Dir(join(outDir, 'onnx')),
      q4TotalBytes: manifest.variants.q4?.total_bytes,
      maxSingleTensorBytes: manifest.variants.q4?.max_single_tensor_bytes,
      quantSummary: manifest.quantization.summary,
    };
    save();
  }

  async function generateStep(): Promise<void> {
    log('loading the q4 model and generating ...');
    const run = await runMeasured(
      'node',
      [...NODE_TS, 'bench/run-7b.ts', '--model', outDir, '--tokens', values.tokens!],
      {
        cwd: ROOT,
      },
    );
    check(run, 'run-7b');
    results.generate = { ...figures(run), ...resultLine<Run7bResult>(run.stdout, 'RUN7B_RESULT') };
    save();
  }

  async function visionStep(): Promise<void> {
    const vision: unknown[] = [];
    results.vision = vision;
    for (const grid of values.grids!.split(',')) {
      log(`vision encoder at grid ${grid} ...`);
      const r = await runMeasured(
        'node',
        [...NODE_TS, 'bench/vision-scaling.ts', '--model', outDir, '--grid', grid],
        {
          cwd: ROOT,
        },
      );
      if (r.code !== 0) {
        vision.push({
          grid,
          failed: true,
          exit: r.code ?? r.signal,
          ...figures(r),
          error: r.stderr.slice(-500),
        });
        break;
      }
      vision.push({ ...figures(r), ...resultLine<VisionResult>(r.stdout, 'VISION_RESULT') });
      save();
    }
    save();
  }
}

await main();
