/**
 * npm run convert -- <hfDir | hf:owner/name[@revision]> <outDir> [--dtype fp32,q4,q4f16]
 *                    [--components embed,decoder,vision] [--resume] [--debug-hidden]
 *                    [--chunk-mb 1024] [--model-id NAME] [--vision-chunks K]
 *
 * Converts a Qwen2.5-VL / DeepEyes checkpoint to ONNX with a progress bar, then prints the
 * per-tensor int4 quantization errors. `hf:` reads the repo straight from the hub (HF_ENDPOINT,
 * HF_TOKEN honoured) with Range requests: no download folder. Ctrl-C stops between tensors;
 * rerun with --resume.
 */
import { existsSync } from 'node:fs';
import cliProgress from 'cli-progress';
import { convertModel } from '../convert/convert';
import { HubFiles } from '../delivery/hub/hub-files';
import { parseHubRef } from '../delivery/hub/hub-ref';
import { DeepEyesError } from '../base/errors';
import {
  ConvertUsageError,
  formatBytes,
  formatQuantTable,
  parseConvertArgs,
} from '../convert/convert-report';

async function main(): Promise<number> {
  let args;
  try {
    args = parseConvertArgs(process.argv.slice(2));
  } catch (e) {
    if (e instanceof ConvertUsageError) {
      console.error(e.message);
      return 2;
    }
    throw e;
  }

  const abort = new AbortController();
  process.once('SIGINT', () => abort.abort());
  // A local folder wins over a repo id of the same spelling; `hf:` always means the hub.
  const ref = args.hfDir.startsWith('hf:') || !existsSync(args.hfDir) ? parseHubRef(args.hfDir) : null;
  const hub = ref
    ? new HubFiles(ref, {
        endpoint: process.env.HF_ENDPOINT || undefined,
        token: process.env.HF_TOKEN || process.env.HUGGING_FACE_HUB_TOKEN || undefined,
        signal: abort.signal,
      })
    : undefined;
  const started0 = performance.now();
  const bar = new cliProgress.SingleBar(
    {
      format: '{bar} {percentage}% | {done}/{total} | {tensors} tensors | {net}eta {eta_formatted} | {file}',
      hideCursor: true,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  try {
    const result = await convertModel({
      ...args,
      source: hub,
      modelId: args.modelId ?? ref?.repo,
      signal: abort.signal,
      onProgress: (e) => {
        const payload = {
          done: formatBytes(e.bytesDone),
          total: formatBytes(e.bytesTotal),
          tensors: `${e.tensorsDone}/${e.tensorsTotal}`,
          file: e.file ?? '',
          net: hub ? `${formatBytes(hub.bytesRead)} downloaded, ${mbps(hub.bytesRead, started0)} | ` : '',
        };
        if (!started) {
          bar.start(e.bytesTotal, 0, payload);
          started = true;
        }
        bar.update(e.bytesDone, payload);
      },
    });
    bar.stop();
    console.log('\n' + formatQuantTable(result.quantErrors) + '\n');
    for (const [name, v] of Object.entries(result.manifest.variants)) {
      const features = v.required_features.length ? ` (needs ${v.required_features.join(', ')})` : '';
      console.log(
        `${name}: ${formatBytes(v.total_bytes)} in ${v.files.length} files, largest tensor ` +
          `${formatBytes(v.max_single_tensor_bytes)}${features}`,
      );
    }
    if (result.restoredTensors)
      console.log(`resumed: ${result.restoredTensors} tensors taken from the previous run`);
    console.log(`wrote ${args.outDir}`);
    return 0;
  } catch (e) {
    bar.stop();
    if (abort.signal.aborted) {
      console.error('\nstopped. Run the same command with --resume to continue where it left off.');
      return 130;
    }
    console.error(`\n${(e as Error).message}`);
    if (e instanceof DeepEyesError && e.advice) console.error(e.advice);
    return 1;
  }
}

function mbps(bytes: number, since: number): string {
  const s = (performance.now() - since) / 1000;
  return `${(bytes / 2 ** 20 / Math.max(s, 1e-3)).toFixed(1)} MB/s`;
}

process.exitCode = await main();
