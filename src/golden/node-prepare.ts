/**
 * Node-only: turns a golden set into a converted model folder. The weights are regenerated from
 * the set's config and salt (README section 1), given the test tokenizer and the set's chat
 * template, and converted to ONNX (fp32 with debug hidden-state outputs, and q4).
 */
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeTinyCheckpoint } from '../convert/synth/checkpoint';
import { convertModel, type ConvertDtype, type ConvertProgress } from '../convert/convert';
import { qwen25vlTestTokenizerJson, qwen25vlTestTokenizerConfig } from '../convert/synth/test-tokenizer';

export interface PreparedGoldenModel {
  hfDir: string;
  onnxDir: string;
}

/** Writes the HF folder (config, weights, tokenizer, template) of a golden set's tiny model. */
export async function writeGoldenCheckpoint(goldenDir: string, hfDir: string): Promise<void> {
  await mkdir(hfDir, { recursive: true });
  const salt = readFileSync(join(goldenDir, 'salt.txt'), 'utf8').trim();
  await writeTinyCheckpoint(hfDir, readFileSync(join(goldenDir, 'config.json'), 'utf8'), salt);
  await writeFile(join(hfDir, 'tokenizer.json'), JSON.stringify(qwen25vlTestTokenizerJson()));
  await writeFile(join(hfDir, 'tokenizer_config.json'), JSON.stringify(qwen25vlTestTokenizerConfig()));
  for (const f of ['chat_template.jinja', 'preprocessor_config.json']) {
    if (existsSync(join(goldenDir, f))) await copyFile(join(goldenDir, f), join(hfDir, f));
  }
}

export async function prepareGoldenModel(
  goldenDir: string,
  workDir: string,
  opts: {
    dtypes?: ConvertDtype[];
    onProgress?: (p: ConvertProgress) => void;
    /** MatMulNBits accuracy_level of the int4 decoder (default 0). */
    accuracyLevel?: 0 | 4;
  } = {},
): Promise<PreparedGoldenModel> {
  const hfDir = join(workDir, 'hf');
  const onnxDir = join(workDir, 'onnx');
  await writeGoldenCheckpoint(goldenDir, hfDir);
  await convertModel({
    hfDir,
    outDir: onnxDir,
    dtypes: opts.dtypes ?? ['fp32', 'q4'],
    debugHidden: true,
    onProgress: opts.onProgress,
    modelId: 'golden-tiny',
    decoderGraph: { accuracyLevel: opts.accuracyLevel ?? 0 },
  });
  return { hfDir, onnxDir };
}
