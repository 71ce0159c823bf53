/**
 * The real worker host on onnxruntime-node: two loads asked for at once (a recovery's and the
 * user's) never create sessions at the same time, and they are answered in the order asked.
 * onnxruntime-web refuses a WebGPU session while another is being created ("another WebGPU EP
 * inference session is being created"), and two interleaved loads leave whichever ended last.
 */
import * as ortNode from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import type { OrtApi } from '../model/runtime/ort-api';
import { tinyModelFolder } from '../../test/support/tiny-model-folder';
import { ModelHost } from './model-host';
import type { FromWorker } from './protocol';

describe('ModelHost loads', () => {
  it('two loads sent at once create their sessions one load after the other, answered in order', async () => {
    let creating = 0;
    let most = 0;
    const ort: OrtApi = {
      Tensor: ortNode.Tensor,
      InferenceSession: {
        async create(model, options) {
          creating += 1;
          most = Math.max(most, creating);
          try {
            // onnxruntime-web's creation yields to the event loop (file mounts, GPU work): so does this one.
            await new Promise((r) => setTimeout(r, 50));
            return await ortNode.InferenceSession.create(model as Uint8Array, options);
          } finally {
            creating -= 1;
          }
        },
      },
    };
    const answers: FromWorker[] = [];
    const host = new ModelHost((m) => answers.push(m), { offGpu: { ort, target: 'cpu' } });
    const source = await tinyModelFolder();
    const base = 'http://127.0.0.1/app/';
    await Promise.all([
      host.handle({ kind: 'load', id: 1, source, backend: 'wasm', baseUrl: base }),
      host.handle({ kind: 'load', id: 2, source, backend: 'wasm', baseUrl: base }),
    ]);
    expect(most).toBe(1);
    const loaded = answers.filter((m) => m.kind === 'loaded');
    expect(loaded.map((m) => m.kind === 'loaded' && m.id)).toEqual([1, 2]);
    expect(answers.filter((m) => m.kind === 'error')).toEqual([]);
    await host.handle({ kind: 'unload', id: 3 });
  }, 60_000);
});
