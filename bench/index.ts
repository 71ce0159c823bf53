/**
 * npm run bench [-- decode|fused|agent|compare|profile|eval-import|browser-7b|browser-convert-7b|browser-fused|big-photo] [--prefill 128] [--steps 16] [--repeats 3]
 *                 [--threads N] [--cache-dir DIR] [--json]
 *
 * Prints figures and ratios; never asserts times (this machine is shared and noisy).
 *   decode: prefill / decode tokens/s of a q4 Qwen2.5-VL-3B text decoder against this machine's
 *           memory-bandwidth bound (bench/decode.ts; the model is built once into .cache/bench/,
 *           which takes several minutes the first time);
 *   fused:  the decoder graph forms (unfused, fused, fused with GroupQueryAttention and an in-place
 *           KV cache) side by side on a ~1B q4 model (bench/fused.ts; built once into .cache/bench/);
 *   agent:  a 3-zoom trajectory with incremental prefill versus re-prefilling every turn, on the
 *           tiny golden model (bench/agent.ts);
 *   eval-import: an official eval record turned into a trace over pictures of three sizes
 *           (bench/eval-import.ts);
 *   compare: our runtime against transformers.js on the same converted files, single turn and a
 *           3-zoom trajectory, and decode against the native bandwidth bound (bench/compare.ts).
 *   profile (only when named): onnxruntime's profiler on both runtimes' decoder session, the same
 *           files as compare: kernel ms per decode token by op type (bench/profile.ts).
 *   browser-7b (only when named; slow): the converted synthetic 7B loaded through the app's load
 *           path in Chromium's WebGPU, logits against onnxruntime-node (bench/browser-7b.ts,
 *           --model DIR --tokens 8 --decode-steps 2 --verify-full --profile DIR; see bench/browser-7b.md).
 *   browser-convert-7b (only when named; slow): the bf16 checkpoint in --hf DIR served by the
 *           loopback hub as --repo, converted to q4 by the app's conversion worker into OPFS; time,
 *           peak memory, and every file compared with the CLI's conversion in --reference DIR
 *           (default --model) (bench/browser-convert-7b.ts; see bench/browser-7b.md section 2).
 *   browser-fused (only when named; slow): the fused and unfused decoder graph of one fp32 model
 *           with heavier tiny layers on Chromium's software WebGPU, alternating rounds: the ratio
 *           of prefill (--prefill tokens) and decode times (bench/browser-fused.ts; bench/fused.md).
 *   big-photo (only when named; after `npm run build`): 100 MP and 200 MP JPEGs opened in the built
 *           app in Chromium: time to the downscale notice and peak memory, next to createImageBitmap
 *           of the same file with the resize and at full size (bench/big-photo.ts).
 * --threads sets onnxruntime's intra-op threads where a part supports it (compare); --cache-dir
 * moves the built models (default .cache/bench).
 * The 7B conversion run is separate and long: bench/convert-7b.ts (see bench/convert-7b.md).
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { formatBytes } from '../src/convert/convert-report';
import { runAgentBench, type AgentFigures } from './agent';
import { printBigPhoto, runBigPhotoBench } from './big-photo';
import { printBrowser7b, runBrowser7bBench } from './browser-7b';
import { printBrowserConvert7b, runBrowserConvert7bBench } from './browser-convert-7b';
import { printBrowserFused, runBrowserFusedBench } from './browser-fused';
import { runCompareBench, type CompareFigures } from './compare';
import { runEvalImportBench, type EvalImportRow } from './eval-import';
import { runDecodeBench, type DecodeFigures } from './decode';
import { runFusedBench, type FusedFigures } from './fused';
import { runProfileBench, type ProfileFigures } from './profile';

const DEFAULT_CACHE = resolve(import.meta.dirname, '../.cache/bench');
const PARTS = [
  'decode',
  'fused',
  'agent',
  'compare',
  'profile',
  'eval-import',
  'browser-7b',
  'browser-convert-7b',
  'browser-fused',
  'big-photo',
] as const;
type Part = (typeof PARTS)[number];
const DEFAULT_PARTS: Part[] = ['decode', 'fused', 'agent', 'compare', 'eval-import'];

const gbps = (b: number) => `${(b / 1e9).toFixed(2)} GB/s`;

function printDecode(d: DecodeFigures): void {
  console.log(`\n== decode: ${d.model}`);
  if (d.buildSeconds !== undefined) console.log(`built the cached model in ${d.buildSeconds.toFixed(0)} s`);
  console.log(`session load           ${(d.loadMs / 1000).toFixed(1)} s`);
  console.log(`decoder weights        ${formatBytes(d.decoderWeightBytes)} (read once per decoded token)`);
  console.log(
    `prefill                ${d.prefillTokens} tokens in ${(d.prefillMs / 1000).toFixed(2)} s = ${d.prefillTokPerS.toFixed(1)} tok/s`,
  );
  console.log(
    `decode                 median ${d.decodeMedianMs.toFixed(0)} ms/token over ${d.decodeSteps} steps = ${d.decodeTokPerS.toFixed(2)} tok/s`,
  );
  console.log(
    `JS loop bandwidth      read ${gbps(d.bandwidth.readBytesPerS)}, copy (r+w) ${gbps(d.bandwidth.copyBytesPerS)} ` +
      `(${d.bandwidth.threads} threads)`,
  );
  console.log(
    `native read bandwidth  ${gbps(d.nativeBandwidth.readBytesPerS)} (onnxruntime ${d.nativeBandwidth.reader} over ` +
      `${formatBytes(d.nativeBandwidth.bufferBytes)}, best of ${d.nativeBandwidth.repeats})`,
  );
  console.log(
    `bandwidth bound        ${d.boundTokPerS.toFixed(2)} tok/s (native read bandwidth / weight bytes)`,
  );
  console.log(`decode / bound         ${d.decodeBoundPct.toFixed(0)}%`);
  console.log(
    d.withinBound
      ? 'check                  decode is within the bound'
      : 'check                  DECODE EXCEEDS THE BOUND: the bandwidth figure is too low, do not trust the ratio',
  );
}

function printProfile(p: ProfileFigures): void {
  console.log(`\n== profile: decoder session per decode token, ${p.model}, threads ${p.threads}`);
  const [a, b] = p.rows;
  const ms = (v: number | undefined) => (v === undefined ? '-' : v.toFixed(2)).padStart(10);
  console.log(`${'op / figure'.padEnd(34)}${'ours'.padStart(10)}${'theirs'.padStart(10)}`);
  console.log(`${'wall ms/token'.padEnd(34)}${ms(a.wallMsPerToken)}${ms(b.wallMsPerToken)}`);
  console.log(`${'model_run ms/token'.padEnd(34)}${ms(a.runMsPerToken)}${ms(b.runMsPerToken)}`);
  console.log(`${'kernels ms/token'.padEnd(34)}${ms(a.kernelMsPerToken)}${ms(b.kernelMsPerToken)}`);
  const ops = [...new Set([...a.ops, ...b.ops].map((o) => o.op))];
  const of = (r: typeof a, op: string) => r.ops.find((o) => o.op === op);
  for (const op of ops) {
    const x = of(a, op);
    const y = of(b, op);
    const nodes = `${op} (${x?.nodes ?? 0}/${y?.nodes ?? 0} nodes)`;
    console.log(`${nodes.padEnd(34)}${ms(x?.msPerToken)}${ms(y?.msPerToken)}`);
  }
  console.log(
    `kv: ours ${a.kv}, theirs ${b.kv}; ${a.tokens} / ${b.tokens} decode runs after a ${p.promptTokens}-token prefill`,
  );
}

function printFused(f: FusedFigures): void {
  console.log(`\n== fused: decoder graph forms side by side, ${f.model}`);
  console.log(
    `prefill ${f.prefillTokens} tokens, then ${f.decodeSteps} decode steps; best of the rounds per form`,
  );
  const base = f.rows.find((r) => r.form === 'unfused')!;
  console.log(
    `native read bandwidth ${gbps(f.nativeReadBytesPerS)} (onnxruntime native readers, after the rounds)`,
  );
  console.log(
    'form            kv cache   prefill tok/s  decode ms/token  decode tok/s  x unfused  % of bound',
  );
  for (const r of f.rows) {
    const pct = r.decodeBoundPct ?? NaN;
    console.log(
      `${r.form.padEnd(14)}  ${r.kvMode.padEnd(9)}  ${r.prefillTokPerS.toFixed(1).padStart(13)}  ` +
        `${r.decodeMedianMs.toFixed(0).padStart(15)}  ${r.decodeTokPerS.toFixed(2).padStart(12)}  ` +
        `${(r.decodeTokPerS / base.decodeTokPerS).toFixed(2).padStart(9)}  ${pct.toFixed(0).padStart(9)}%` +
        (pct > 100 ? '  EXCEEDS THE BOUND (bandwidth measured under more load than this decode)' : ''),
    );
  }
}

function printAgent(a: AgentFigures): void {
  console.log(`\n== agent: ${a.turns} turns (3 zooms + answer), ${a.model}, best of ${a.repeats}`);
  const inc = a.rows.find((r) => r.mode === 'incremental')!;
  const ratio = (x: number, y: number) => (x / y).toFixed(2).padStart(6);
  console.log('mode                          tokens  x incr  images  prefill ms  x incr   wall ms  x incr');
  for (const r of a.rows) {
    console.log(
      `${r.mode.padEnd(28)}  ${String(r.tokens).padStart(6)}  ${ratio(r.tokens, inc.tokens)}  ` +
        `${String(r.visionRuns).padStart(6)}  ${r.prefillMs.toFixed(0).padStart(10)}  ${ratio(r.prefillMs, inc.prefillMs)}  ` +
        `${r.wallMs.toFixed(0).padStart(8)}  ${ratio(r.wallMs, inc.wallMs)}`,
    );
  }
  console.log(
    'tokens = prefill chunks + fed decode tokens; decode steps are the same in every mode, so on this tiny\n' +
      'model (a 152k-vocabulary lm_head dominates each step) wall time moves less than prefill time.',
  );
}

function printEvalImport(rows: readonly EvalImportRow[], repeats: number): void {
  console.log(`\n== eval-import: an official V* record (2 zooms + answer) to a trace, best of ${repeats}`);
  for (const r of rows)
    console.log(`${`${r.width}x${r.height}`.padEnd(10)} ${r.ms.toFixed(0).padStart(6)} ms`);
}

function printCompare(c: CompareFigures): void {
  console.log(`\n== compare: our runtime vs transformers.js, ${c.model}, onnxruntime-node CPU`);
  console.log(
    `threads ${c.threads}; prompt ${c.promptTokens} tokens (one 448x448 image), ${c.steps} greedy tokens per turn; ` +
      `zoom chunks ${c.zoomChunkTokens} tokens (one 224x224 crop)`,
  );
  const row = (label: string, ours: number, theirs: number, unit: string, ratio: number) =>
    console.log(
      `${label.padEnd(30)} ${ours.toFixed(1).padStart(9)} ${theirs.toFixed(1).padStart(12)} ${unit.padEnd(6)} ${ratio.toFixed(2).padStart(6)}`,
    );
  console.log(
    `${c.rounds} alternating rounds: each figure its best round, each ratio the median of the rounds' ratios`,
  );
  console.log('figure                              ours  transformers.js  unit   ours/theirs');
  row('time to first token', c.ours.ttftMs, c.theirs.ttftMs, 'ms', c.ttft_ratio);
  row(
    'decode (best round; median ratio)',
    c.ours.decodeTokPerS,
    c.theirs.decodeTokPerS,
    'tok/s',
    c.decode_ratio,
  );
  row(
    '3-zoom trajectory vs cached',
    c.ours.trajectoryMs,
    c.theirs.trajectoryCachedMs,
    'ms',
    c.trajectory_ratio_cached,
  );
  row(
    '3-zoom trajectory vs re-run',
    c.ours.trajectoryMs,
    c.theirs.trajectoryNaiveMs,
    'ms',
    c.trajectory_ratio_naive,
  );
  console.log(
    `native read bandwidth ${gbps(c.nativeReadBytesPerS)} (${c.nativeReader}; ReduceSum ` +
      `${gbps(c.nativeByReader.ReduceSum)}, MatMul ${gbps(c.nativeByReader.MatMul)}); decoder ${formatBytes(c.decoderWeightBytes)} -> bound ` +
      `${c.boundTokPerS.toFixed(2)} tok/s; our decode = ${c.decode_bound_pct.toFixed(0)}% of it`,
  );
  console.log(
    `decode ratio of each alternating round: ${c.decode_ratios.map((r) => r.toFixed(2)).join(' ')}`,
  );
  console.log(`same greedy ids on the single turn: ${c.same_ids ? 'yes' : 'NO'}`);
  console.log(
    `int4 decoder run at MatMulNBits accuracy_level ${c.accuracy_level.ours} (ours, the CPU target's choice) ` +
      `and ${c.accuracy_level.theirs} (transformers.js, as the files say)`,
  );
  if (!c.within_bound)
    console.log('DECODE EXCEEDS THE BOUND: the bandwidth figure is too low, do not trust the ratio');
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    args: process.argv.slice(2),
    allowPositionals: true,
    options: {
      prefill: { type: 'string', default: '128' },
      steps: { type: 'string', default: '16' },
      repeats: { type: 'string', default: '3' },
      json: { type: 'boolean', default: false },
      threads: { type: 'string' },
      'cache-dir': { type: 'string' },
      model: { type: 'string', default: resolve(import.meta.dirname, '../.cache/7b/q4') },
      tokens: { type: 'string', default: '8' },
      'decode-steps': { type: 'string', default: '2' },
      'verify-full': { type: 'boolean', default: false },
      profile: { type: 'string', default: resolve(import.meta.dirname, '../.cache/7b/chromium-profile') },
      hf: { type: 'string', default: resolve(import.meta.dirname, '../.cache/7b/hf') },
      reference: { type: 'string' },
      repo: { type: 'string', default: 'synthetic/DeepEyes-7B' },
    },
  });
  const unknown = positionals.filter((p) => !(PARTS as readonly string[]).includes(p));
  if (unknown.length) {
    console.error(
      `unknown part ${unknown.join(', ')}; choose from ${PARTS.join(', ')} (default: all but the browser parts and big-photo)`,
    );
    return 2;
  }
  const parts: Part[] = positionals.length ? (positionals as Part[]) : DEFAULT_PARTS;
  const log = (s: string) => console.error(`  ${s}`);
  const CACHE = values['cache-dir'] ? resolve(values['cache-dir']) : DEFAULT_CACHE;
  const out: Record<string, unknown> = {};
  if (parts.includes('decode')) {
    const d = await runDecodeBench({
      cacheDir: CACHE,
      prefillTokens: Number(values.prefill),
      decodeSteps: Number(values.steps),
      log,
    });
    out.decode = d;
    printDecode(d);
  }
  if (parts.includes('fused')) {
    const f = await runFusedBench({
      cacheDir: CACHE,
      prefillTokens: Number(values.prefill),
      decodeSteps: Number(values.steps),
      rounds: Number(values.repeats),
      log,
    });
    out.fused = f;
    printFused(f);
  }
  if (parts.includes('agent')) {
    const a = await runAgentBench({ cacheDir: CACHE, repeats: Number(values.repeats), log });
    out.agent = a;
    printAgent(a);
  }
  if (parts.includes('compare')) {
    const c = await runCompareBench({
      cacheDir: CACHE,
      steps: Number(values.steps),
      repeats: Number(values.repeats),
      threads: values.threads ? Number(values.threads) : undefined,
      log,
    });
    out.compare = c;
    printCompare(c);
  }
  if (parts.includes('profile')) {
    const p = await runProfileBench({
      cacheDir: CACHE,
      steps: Number(values.steps),
      threads: values.threads ? Number(values.threads) : undefined,
      log,
    });
    out.profile = p;
    printProfile(p);
  }
  if (parts.includes('eval-import')) {
    const rows = await runEvalImportBench({ repeats: Number(values.repeats) });
    out.evalImport = rows;
    printEvalImport(rows, Number(values.repeats));
  }
  if (parts.includes('browser-7b')) {
    const b = await runBrowser7bBench({
      model: values.model!,
      tokens: Number(values.tokens),
      steps: Number(values['decode-steps']),
      verifyFull: values['verify-full']!,
      profileDir: values.profile!,
      log,
    });
    out['browser-7b'] = b;
    printBrowser7b(b);
    console.log(`BROWSER7B_RESULT ${JSON.stringify(b)}`);
  }
  if (parts.includes('browser-fused')) {
    const b = await runBrowserFusedBench({
      cacheDir: CACHE,
      tokens: Number(values.prefill),
      steps: Number(values['decode-steps']),
      rounds: Number(values.repeats),
      log,
    });
    out['browser-fused'] = b;
    printBrowserFused(b);
    console.log(`BROWSERFUSED_RESULT ${JSON.stringify(b)}`);
  }
  if (parts.includes('browser-convert-7b')) {
    const b = await runBrowserConvert7bBench({
      hf: values.hf!,
      reference: values.reference ?? values.model!,
      repo: values.repo!,
      profileDir: values.profile!,
      log,
    });
    out['browser-convert-7b'] = b;
    printBrowserConvert7b(b);
    console.log(`BROWSER_CONVERT_7B_RESULT ${JSON.stringify(b)}`);
  }
  if (parts.includes('big-photo')) {
    const b = await runBigPhotoBench({ profileDir: resolve(CACHE, 'chromium-big-photo'), log });
    out['big-photo'] = b;
    printBigPhoto(b);
  }
  // `compare --json` alone prints its figures as top-level fields (decode_ratio, ...).
  const json = parts.length === 1 && parts[0] === 'compare' ? out.compare : out;
  if (values.json) console.log(JSON.stringify(json, null, 2));
  return 0;
}

process.exitCode = await main();
