/**
 * npm run convert -- <hfDir> <outDir> [--dtype fp32,q4,q4f16] [--components embed,decoder,vision]
 *                    [--resume] [--debug-hidden] [--chunk-mb 1024] [--model-id NAME]
 *
 * Converts a Qwen2.5-VL / DeepEyes checkpoint to ONNX with a progress bar, then prints the
 * per-tensor int4 quantization errors. Ctrl-C stops between tensors; rerun with --resume.
 */
import cliProgress from 'cli-progress';
import { convertModel } from '../convert/convert';
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
  const bar = new cliProgress.SingleBar(
    {
      format: '{bar} {percentage}% | {done}/{total} | {tensors} tensors | eta {eta_formatted} | {file}',
      hideCursor: true,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  try {
    const result = await convertModel({
      ...args,
      signal: abort.signal,
      onProgress: (e) => {
        const payload = {
          done: formatBytes(e.bytesDone),
          total: formatBytes(e.bytesTotal),
          tensors: `${e.tensorsDone}/${e.tensorsTotal}`,
          file: e.file ?? '',
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
    return 1;
  }
}

process.exitCode = await main();
