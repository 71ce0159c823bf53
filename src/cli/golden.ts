/**
 * npm run golden -- <golden-dir> [--keep <work-dir>] [--variants fp32,q4,q4f16] [--accuracy-level 0|4]
 * Regenerates the set's tiny model from its formula, converts it (fp32 and q4), runs every check
 * in Node and prints `PASS|FAIL <name> <max error>` lines, then `golden: N passed, M failed`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { prepareGoldenModel } from '../golden/node-prepare';
import { runGoldenChecks } from '../golden/run-checks';
import { dirGoldenSource } from '../golden/node-source';
import { DirModelFiles } from '../model/runtime/node-files';
import { ACCURACY_LEVEL } from '../model/runtime/accuracy-level';

import type { Variant } from '../base/types';
async function main(argv: string[]): Promise<number> {
  const dir = argv.find((a) => !a.startsWith('--'));
  if (!dir) {
    console.error(
      'usage: npm run golden -- <golden-dir> [--keep <work-dir>] [--variants fp32,q4,q4f16] [--accuracy-level 0|4]',
    );
    return 2;
  }
  const keepAt = argv.indexOf('--keep');
  const varAt = argv.indexOf('--variants');
  const variants = (varAt >= 0 ? argv[varAt + 1] : 'fp32,q4,q4f16').split(',') as Variant[];
  const levelAt = argv.indexOf('--accuracy-level');
  const accuracyLevel = levelAt >= 0 && argv[levelAt + 1] === '4' ? 4 : 0;
  const work = keepAt >= 0 ? resolve(argv[keepAt + 1]) : await mkdtemp(join(tmpdir(), 'deepeyes-golden-'));
  try {
    const t0 = performance.now();
    const { onnxDir } = await prepareGoldenModel(resolve(dir), work, {
      dtypes: variants.filter((v) => v !== 'fp16') as ('fp32' | 'q4' | 'q4f16')[],
      accuracyLevel,
    });
    console.log(`converted in ${((performance.now() - t0) / 1000).toFixed(1)} s -> ${onnxDir}`);
    console.log(
      `int4 decoder: written at MatMulNBits accuracy_level ${accuracyLevel}, run at ` +
        `${ACCURACY_LEVEL.cpu ?? accuracyLevel} on the cpu target (src/model/runtime/accuracy-level.ts)`,
    );
    const sink = await runGoldenChecks({
      golden: dirGoldenSource(resolve(dir)),
      files: new DirModelFiles(onnxDir),
      ort,
      target: 'cpu',
      variants,
      print: (l) => console.log(l),
    });
    console.log(sink.summary());
    return sink.failed === 0 ? 0 : 1;
  } finally {
    if (keepAt < 0) await rm(work, { recursive: true, force: true });
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : e);
    process.exit(1);
  },
);
