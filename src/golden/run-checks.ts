/**
 * All golden checks for one set and one converted folder, in any environment: the pure checks
 * (preprocessing, prompts, crop, positions), then every requested variant through the runtime.
 */
import type { OrtApi, ExecutionTarget } from '../model/runtime/ort-api';
import type { ModelFiles } from '../model/runtime/model-files';
import type { SessionChoice } from '../model/runtime/sessions';

import { parseQwenVLConfig } from '../model/config';
import { loadTextAssets } from '../model/runtime/text-assets';
import { openGolden, type GoldenSource } from './source';
import { runPureChecks } from './checks-pure';
import { runModelChecks } from './checks-model';
import { CheckSink } from './report';

import type { Variant } from '../base/types';
export interface GoldenRunOptions {
  golden: GoldenSource;
  files: ModelFiles;
  ort: OrtApi;
  target: ExecutionTarget;
  /** The caller's WebGPU device, for onnxruntime-web to run on (else it opens one of its own). */
  gpuDevice?: SessionChoice['gpuDevice'];
  variants: Variant[];
  print?: (line: string) => void;
}

export async function runGoldenChecks(o: GoldenRunOptions): Promise<CheckSink> {
  const sink = new CheckSink(o.print);
  const g = await openGolden(o.golden);
  const config = parseQwenVLConfig(await g.text('config.json'));
  const text = await loadTextAssets(o.files);
  const inputs = await runPureChecks(g, text, config, sink);
  for (const variant of o.variants) {
    try {
      await runModelChecks(
        g,
        inputs,
        { ort: o.ort, files: o.files, target: o.target, variant, gpuDevice: o.gpuDevice },
        sink,
      );
    } catch (e) {
      sink.check(`${variant}.run`, false, 1, e instanceof Error ? e.message : String(e));
    }
  }
  return sink;
}
