/**
 * Reliability case 15's model, in Node: the scripted bigram model (test/support/zoom-bigram-model.ts)
 * converted to q4 by our converter and run greedily by our runtime on onnxruntime-node. Every turn
 * it writes ZOOM_REPLY, so the agent zooms into ZOOM_BOX until the crop budget ends the run. The
 * reference is the scripted text and box, not what a run produced.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { runDeepEyes } from '../src/agent/executor';
import { DEFAULT_SETTINGS } from '../src/agent/types';
import type { RgbImage } from '../src/base/types';
import { loadEngine } from '../src/model/load-engine';
import { DirModelFiles } from '../src/model/runtime/node-files';
import type { OrtApi } from '../src/model/runtime/ort-api';
import { ZOOM_BOX, ZOOM_REPLY, writeZoomBigramModel } from './support/zoom-bigram-model';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'zoom-bigram-'));
  await writeZoomBigramModel(join(work, 'model'), ['q4']);
}, 120_000);
afterAll(() => rm(work, { recursive: true, force: true }));

/** 112 x 112 is already a multiple of 28 and within the pixel bounds: the model sees it as it is. */
const picture: RgbImage = (() => {
  const data = new Uint8Array(112 * 112 * 3);
  for (let i = 0; i < 112 * 112; i++) data.set([(i % 112) * 2, Math.floor(i / 112) * 2, 128], i * 3);
  return { width: 112, height: 112, data };
})();

describe('the zoom bigram model on the real runtime', () => {
  it('zooms into the scripted box each turn until the crop budget of 3 ends the run', async () => {
    const { engine } = await loadEngine(new DirModelFiles(join(work, 'model')), {
      ort: ort as unknown as OrtApi,
      target: 'cpu',
      variant: 'q4',
    });
    try {
      const trace = await runDeepEyes(engine, {
        image: picture,
        question: 'Where is the blue corner?',
        settings: { ...DEFAULT_SETTINGS, maxCrops: 3, maxTokensPerTurn: 64 },
      });
      expect(trace.error).toBeUndefined();
      expect(trace.endReason).toBe('budget');
      expect(trace.steps.map((s) => s.action.kind)).toEqual([
        'tool_call',
        'tool_call',
        'tool_call',
        'budget',
      ]);
      const replyTokens = engine.tokenizer.encode(ZOOM_REPLY).length;
      for (const step of trace.steps) {
        expect(step.text).toBe(ZOOM_REPLY);
        expect(step.generatedTokens).toBe(replyTokens);
      }
      for (const step of trace.steps.slice(0, 3)) {
        if (step.action.kind !== 'tool_call') throw new Error('expected a zoom');
        expect(step.action.call.name).toBe('image_zoom_in_tool');
        expect(step.action.call.bboxModel).toEqual(ZOOM_BOX);
        // The model saw the picture at its own size, so the box maps to itself.
        expect(step.action.call.bboxOriginal).toEqual(ZOOM_BOX);
        expect([step.action.crop.width, step.action.crop.height]).toEqual([52, 63]);
      }
      expect(trace.steps[3].action).toEqual({ kind: 'budget', reason: 'crop budget of 3 reached' });
    } finally {
      await engine.dispose();
    }
  }, 120_000);
});
