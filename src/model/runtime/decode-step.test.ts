/**
 * The decode step on the golden tiny model (fp32, onnxruntime-node): it allocates no buffer per
 * token (only tensor wrappers: the attention mask's view and the present.* views), hands back one
 * logits buffer that onnxruntime writes into, and gives the logits of the same token prefilled as
 * a 1-token chunk (the path the golden checks cover against the reference).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as ortNode from 'onnxruntime-node';
import { prepareGoldenModel } from '../../golden/node-prepare';
import { relToPeak } from '../../golden/metrics';
import { DirModelFiles } from './node-files';
import type { OrtApi } from './ort-api';
import { QwenVLRuntime } from './qwen-vl-runtime';
import { argmax } from './sampling';

const GOLDEN = resolve(import.meta.dirname, '../../../test/golden/public');
const PROMPT = Array.from({ length: 40 }, (_, i) => 900 + 37 * i);

let made = 0;
/** onnxruntime-node with a Tensor class that counts the tensors our code constructs. */
const counting: OrtApi = {
  InferenceSession: ortNode.InferenceSession,
  Tensor: new Proxy(ortNode.Tensor, {
    construct(target, args: ConstructorParameters<typeof ortNode.Tensor>, newTarget: typeof ortNode.Tensor) {
      made++;
      return Reflect.construct(target, args, newTarget);
    },
  }),
};

let work: string;
let files: DirModelFiles;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'decode-step-'));
  const { onnxDir } = await prepareGoldenModel(GOLDEN, work, { dtypes: ['fp32'] });
  files = new DirModelFiles(onnxDir);
}, 120_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

const load = (ort: OrtApi) => QwenVLRuntime.load(ort, files, { variant: 'fp32', target: 'cpu' });

describe('decode step', () => {
  it('reuses its buffers: one logits array, the KV cache in two swapped sets, wrappers only', async () => {
    const rt = await load(counting);
    // The golden model's decoder concatenates its past (the default graph): two swapped sets.
    expect(rt.cache.mode).toBe('swap');
    let logits = (await rt.append(PROMPT)).logits;
    logits = await rt.step(argmax(logits));
    const buffer = logits;
    const kvBuffers = new Set<ArrayBufferLike>();
    const steps = 20;
    made = 0;
    for (let s = 0; s < steps; s++) {
      logits = await rt.step(argmax(logits));
      expect(logits).toBe(buffer);
      kvBuffers.add((rt.cache.feeds()['past_key_values.0.key'].data as Float32Array).buffer);
    }
    expect(kvBuffers.size).toBe(2);
    // Per step: the attention mask's view and the views of the spare set bound as present.*.
    expect(made).toBe(steps * (1 + 2 * rt.config.text.numLayers));
    expect(rt.length).toBe(PROMPT.length + 1 + steps);
    expect(rt.history.length).toBe(rt.length);
    await rt.dispose();
  });

  it('gives the logits of the same tokens prefilled one at a time', async () => {
    const stepped = await load(ortNode as unknown as OrtApi);
    const appended = await load(ortNode as unknown as OrtApi);
    let want = (await appended.append(PROMPT)).logits;
    await stepped.append(PROMPT);
    for (let s = 0; s < 6; s++) {
      const id = argmax(want);
      const got = await stepped.step(id);
      want = (await appended.append([id])).logits;
      expect(relToPeak(got, want), `step ${s}`).toBeLessThan(1e-6);
    }
    expect(stepped.ropeState).toEqual(appended.ropeState);
    await Promise.all([stepped.dispose(), appended.dispose()]);
  });

  it('refuses an image pad, which has no text position', async () => {
    const rt = await load(ortNode as unknown as OrtApi);
    await rt.append(PROMPT);
    await expect(rt.step(rt.config.tokens.imagePad)).rejects.toMatchObject({ code: 'chunk_mismatch' });
    expect(rt.length).toBe(PROMPT.length);
    await rt.dispose();
  });
});
