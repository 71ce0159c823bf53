/** Node only (tests): a valid trace built around the golden image1.png. */
import { GoldenSet } from './golden-set';
import { DEFAULT_SETTINGS, type Trace } from '../../src/agent/types';
import type { TurnTimings } from '../../src/base/engine';
import { pngBytesToDataUrl } from '../../src/agent/trace/png-data-url';
import { TRACE_VERSION } from '../../src/agent/trace/schema';

export const TIMINGS: TurnTimings = {
  ttftMs: 120.5,
  prefillMs: 100,
  prefillTokens: 441,
  decodeMs: 900,
  decodeTokens: 60,
  visionMs: 20,
};

export function goldenPngDataUrl(): string {
  return pngBytesToDataUrl(GoldenSet.publicSet().bytes('image1.png'));
}

export function sampleTrace(): Trace {
  const g = GoldenSet.publicSet();
  const png = goldenPngDataUrl();
  const assistant = g.case.assistant_text;
  return {
    format: 'deepeyes-trace',
    version: TRACE_VERSION,
    id: 'trace-0001',
    createdAt: '2025-01-02T03:04:05.678Z',
    modelId: 'tiny-deepeyes-public-29',
    backend: 'onnxruntime-node/cpu',
    question: g.case.question,
    options: g.case.options,
    image: {
      sha256: 'a'.repeat(64),
      width: 250,
      height: 190,
      dataUrl: png,
      resizedWidth: 252,
      resizedHeight: 196,
    },
    settings: { ...DEFAULT_SETTINGS, sampling: { kind: 'sample', temperature: 1, topP: 1, seed: 7 } },
    steps: [
      {
        index: 0,
        text: assistant,
        think: 'I should look closer.',
        action: {
          kind: 'tool_call',
          call: {
            name: 'image_zoom_in_tool',
            label: 'the sign',
            bboxModel: [120, 40, 220, 150],
            bboxOriginal: [120, 40, 220, 150],
          },
          crop: {
            dataUrl: png,
            width: 100,
            height: 110,
            resizedWidth: 112,
            resizedHeight: 112,
            imageTokens: 16,
          },
        },
        promptTokens: 441,
        generatedTokens: 40,
        timings: TIMINGS,
      },
      {
        index: 1,
        text: '<think>It is red.</think>\n<answer>A</answer>',
        think: 'It is red.',
        action: { kind: 'answer', text: 'A' },
        promptTokens: 136,
        generatedTokens: 12,
        timings: { ...TIMINGS, prefillTokens: 136, visionMs: 3.25 },
      },
    ],
    finalAnswer: 'A',
    endReason: 'answer',
  };
}
