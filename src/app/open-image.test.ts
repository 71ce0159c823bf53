/**
 * A picture dropped over a sample or an imported trace replaces that trace's question, but never
 * a question the user typed while the picture was still decoding (seconds for a big photo; the
 * e2e out-of-memory test lost its question this way on a loaded machine). The browser's decoder is
 * held here until the test lets it finish.
 */
import { describe, expect, it, vi } from 'vitest';
import type { DecodedImage } from '../ui/input/decode';
import { createAppStore } from '../store/store';
import { memoryKv } from '../../test/support/memory-kv';
import { createController } from './controller';
import { ReplayPort } from './replay/replay-port';
import { sampleTrace } from '../../test/support/trace-fixtures';

const decoding: ((d: DecodedImage) => void)[] = [];
vi.mock('../ui/input/decode', () => ({
  decodeImageBlob: () => new Promise<DecodedImage>((resolve) => decoding.push(resolve)),
}));

const decoded = {
  rgb: { width: 2, height: 2, data: new Uint8Array(12) },
  drawable: {} as CanvasImageSource,
  sourceWidth: 2,
  sourceHeight: 2,
  format: 'png',
  notices: [],
} as unknown as DecodedImage;

function withSampleShown() {
  const store = createAppStore();
  const c = createController(
    store,
    null,
    new ReplayPort({ tokenMs: 0, maxTurnPauseMs: 0, resultPauseMs: 0 }),
    memoryKv(),
  );
  const trace = sampleTrace();
  store.getState().loadTrace(trace, 'sample');
  store.getState().setQuestion(trace.question);
  return { store, c, sampleQuestion: trace.question };
}

describe('a picture dropped over a sample', () => {
  it("clears the sample's question", async () => {
    const { store, c, sampleQuestion } = withSampleShown();
    expect(store.getState().question).toBe(sampleQuestion);
    const opening = c.openImage(new Blob([new Uint8Array(4)]), 'mine.png');
    decoding.shift()!(decoded);
    await opening;
    expect(store.getState().inputImage?.name).toBe('mine.png');
    expect(store.getState().question).toBe('');
  });

  it('keeps a question typed while the picture decodes', async () => {
    const { store, c } = withSampleShown();
    const opening = c.openImage(new Blob([new Uint8Array(4)]), 'mine.png');
    store.getState().setQuestion('what colour is this?');
    decoding.shift()!(decoded);
    await opening;
    expect(store.getState().inputImage?.name).toBe('mine.png');
    expect(store.getState().question).toBe('what colour is this?');
  });
});
