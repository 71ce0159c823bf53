import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../agent/types';
import { resolveModelUrl } from '../delivery/model-source';
import { ModelHost } from '../worker/model-host';
import { ModelWorkerClient } from '../worker/model-client';
import { inProcessWorker, type InProcessWorker } from '../../test/support/in-process-worker';
import { WorkerPort } from './worker-port';

const BASE = 'http://127.0.0.1:4181/app/';

function portOnRealHost(): { port: WorkerPort; sent: () => InProcessWorker['sent'] } {
  let w: InProcessWorker | undefined;
  const client = new ModelWorkerClient({
    baseUrl: BASE,
    makeWorker: () => (w = inProcessWorker((post) => new ModelHost(post))),
  });
  return { port: new WorkerPort(client), sent: () => w?.sent ?? [] };
}

const request = {
  image: { width: 2, height: 2, data: new Uint8Array(12) },
  question: 'what is this?',
  settings: DEFAULT_SETTINGS,
};

describe('errors from the worker reach the page with their code', () => {
  it('no WebGPU (Node has no navigator.gpu) arrives as no_webgpu, not run_failed', async () => {
    const { port } = portOnRealHost();
    await expect(port.loadModel({ kind: 'url', url: 'models/tiny/' }, 'webgpu')).rejects.toMatchObject({
      code: 'no_webgpu',
    });
    port.dispose();
  });

  it('a run with no model loaded arrives as model_missing, not run_failed', async () => {
    const { port } = portOnRealHost();
    await expect(port.run(request)).rejects.toMatchObject({ code: 'model_missing' });
    port.dispose();
  });
});

describe('the page and delivery resolve a model location the same way', () => {
  // What delivery accepts (src/delivery/model-source.ts) the page must pass on, resolved alike.
  for (const input of [
    'org/repo',
    'org/repo@v1.0',
    'https://huggingface.co/org/repo',
    'https://huggingface.co/org/repo/tree/abc123/onnx',
    './models/tiny',
    '/models/tiny/',
    'https://example.com/m/deepeyes-manifest.json',
  ]) {
    it(`"${input}"`, async () => {
      const { port, sent } = portOnRealHost();
      // The real host then fails to download (nothing listens); only what the page sent matters here.
      await port.loadModel({ kind: 'url', url: input }, 'wasm').catch(() => {});
      const load = sent().find((m) => m.kind === 'load');
      expect(
        load?.kind === 'load' && load.source.kind === 'url' && resolveModelUrl(load.source.url, BASE),
      ).toBe(resolveModelUrl(input, BASE));
      port.dispose();
    });
  }
});
