/**
 * Text rendering of a conversion's quantization errors (the CLI's closing table) and the
 * command-line argument parsing of `npm run convert`. Pure functions.
 */
import { DeepEyesError } from '../base/errors';
import { parseArgs } from 'node:util';
import type { ConvertComponent, ConvertDtype } from './convert';
import type { QuantErrorRow } from './manifest';

export class ConvertUsageError extends DeepEyesError {
  constructor(detail: string) {
    super(
      'convert_usage',
      `${detail}\nusage: npm run convert -- <hfDir> <outDir> [--dtype fp32,q4,q4f16] ` +
        `[--components embed,decoder,vision] [--resume] [--debug-hidden] [--chunk-mb 1024] [--model-id NAME] [--vision-chunks K]`,
    );
    this.name = 'ConvertUsageError';
  }
}

export interface ConvertCliArgs {
  hfDir: string;
  outDir: string;
  dtypes: ConvertDtype[];
  components?: ConvertComponent[];
  resume: boolean;
  debugHidden: boolean;
  chunkLimit?: number;
  modelId?: string;
  visionChunks?: number;
}

const DTYPES: readonly string[] = ['fp32', 'q4', 'q4f16'];
const COMPONENTS: readonly string[] = ['embed', 'decoder', 'vision'];

function list<T extends string>(raw: string, allowed: readonly string[], what: string): T[] {
  const items = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const i of items)
    if (!allowed.includes(i))
      throw new ConvertUsageError(`unknown ${what} "${i}" (choose from ${allowed.join(', ')})`);
  return items as T[];
}

export function parseConvertArgs(argv: string[]): ConvertCliArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        dtype: { type: 'string', default: 'q4' },
        components: { type: 'string' },
        resume: { type: 'boolean', default: false },
        'debug-hidden': { type: 'boolean', default: false },
        'chunk-mb': { type: 'string' },
        'model-id': { type: 'string' },
        'vision-chunks': { type: 'string' },
      },
    });
  } catch (e) {
    throw new ConvertUsageError((e as Error).message);
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 2)
    throw new ConvertUsageError('expected two arguments: the checkpoint folder and the output folder');
  let chunkLimit: number | undefined;
  if (values['chunk-mb'] !== undefined) {
    const mb = Number(values['chunk-mb']);
    if (!Number.isFinite(mb) || mb <= 0 || mb >= 2048)
      throw new ConvertUsageError('--chunk-mb must be between 0 and 2048');
    chunkLimit = Math.floor(mb * 1024 * 1024);
  }
  let visionChunks: number | undefined;
  if (values['vision-chunks'] !== undefined) {
    visionChunks = Number(values['vision-chunks']);
    if (!Number.isInteger(visionChunks) || visionChunks < 1 || visionChunks > 4096)
      throw new ConvertUsageError('--vision-chunks must be an integer from 1 to 4096');
  }
  return {
    hfDir: positionals[0],
    outDir: positionals[1],
    dtypes: list<ConvertDtype>(values.dtype ?? 'q4', DTYPES, 'dtype'),
    components: values.components
      ? list<ConvertComponent>(values.components, COMPONENTS, 'component')
      : undefined,
    resume: Boolean(values.resume),
    debugHidden: Boolean(values['debug-hidden']),
    chunkLimit,
    modelId: values['model-id'],
    ...(visionChunks !== undefined ? { visionChunks } : {}),
  };
}

export function formatBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${n.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

/** A fixed-width table: file, tensor, format, max |error|, relative RMS error. */
export function formatQuantTable(rows: QuantErrorRow[]): string {
  if (!rows.length) return 'no int4 tensors (fp32 only)';
  const head = ['file', 'tensor', 'format', 'max_abs', 'rel_rms'];
  const body = rows.map((r) => [
    r.file.replace(/^onnx\//, ''),
    r.tensor,
    r.format,
    r.maxAbs.toExponential(3),
    r.relRms.toFixed(5),
  ]);
  const widths = head.map((h, c) => Math.max(h.length, ...body.map((b) => b[c].length)));
  const line = (cells: string[]) =>
    cells.map((s, c) => (c >= 3 ? s.padStart(widths[c]) : s.padEnd(widths[c]))).join('  ');
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}
