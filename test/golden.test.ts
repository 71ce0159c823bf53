/**
 * The golden command's whole path on the public set: regenerate the tiny model from its formula,
 * convert (fp32 with debug outputs, q4), run every check in onnxruntime-node. Each check is its own
 * assertion so a failure names what broke.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { prepareGoldenModel } from '../src/golden/node-prepare';
import { runGoldenChecks } from '../src/golden/run-checks';
import { dirGoldenSource } from '../src/golden/node-source';
import { DirModelFiles } from '../src/model/runtime/node-files';
import type { CheckSink } from '../src/golden/report';

const GOLDEN = resolve(import.meta.dirname, 'golden/public');

describe('golden checks on the public set (Node, onnxruntime-node)', () => {
  let work: string;
  let sink: CheckSink;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'golden-test-'));
    const { onnxDir } = await prepareGoldenModel(GOLDEN, work);
    sink = await runGoldenChecks({
      golden: dirGoldenSource(GOLDEN),
      files: new DirModelFiles(onnxDir),
      ort,
      target: 'cpu',
      variants: ['fp32', 'q4'],
    });
  });

  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('ran every family of checks', () => {
    const names = sink.results.map((r) => r.name);
    for (const prefix of [
      'preprocess.',
      'agent.',
      'rope.',
      'vision_plan.',
      'fp32.logits.',
      'fp32.greedy.',
      'q4.logits.',
      'q4.greedy.',
    ]) {
      expect(
        names.some((n) => n.startsWith(prefix)),
        prefix,
      ).toBe(true);
    }
    expect(names).toContain('fp32.hidden_states');
    expect(names.filter((n) => n.startsWith('fp32.logits.'))).toHaveLength(8);
    expect(names.filter((n) => n.startsWith('q4.logits.'))).toHaveLength(8);
  });

  it('passes every check', () => {
    const failed = sink.results.filter((r) => !r.pass).map((r) => `${r.name} ${r.value} ${r.detail ?? ''}`);
    expect(failed).toEqual([]);
  });
});
