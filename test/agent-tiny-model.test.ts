/**
 * The agent loop on the real tiny model (golden weights, fp32, onnxruntime-node): several zoom
 * turns with scripted token choices, every token really fed through the decoder. Proves each turn
 * after the first prefills only its new chunk, by counting the tokens the decoder received.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { prepareGoldenModel } from '../src/golden/node-prepare';
import { DirModelFiles } from '../src/model/runtime/node-files';
import type { QwenVLEngine } from '../src/model/runtime/qwen-vl-engine';
import { loadEngine } from '../src/model/load-engine';
import { runDeepEyes } from '../src/agent/executor';
import { scriptOver, scriptToIds } from './support/scripted-engine';
import { decodePng } from '../src/image-io/png';
import { DEFAULT_SETTINGS } from '../src/agent/types';
import { toolResponseTail } from '../src/agent/protocol/chunks';
import { readFileSync } from 'node:fs';

const GOLDEN = resolve(import.meta.dirname, 'golden/public');
const zoom = (box: number[]) =>
  `<think>closer</think>\n<tool_call>\n{"name": "image_zoom_in_tool", "arguments": {"bbox_2d": [${box.join(', ')}], "label": "x"}}\n</tool_call>`;

describe('agent loop on the tiny model', () => {
  let work: string;
  let engine: QwenVLEngine;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'agent-tiny-'));
    const { onnxDir } = await prepareGoldenModel(GOLDEN, work, { dtypes: ['fp32'] });
    ({ engine } = await loadEngine(new DirModelFiles(onnxDir), { ort, target: 'cpu', variant: 'fp32' }));
  });

  afterAll(async () => {
    await engine?.dispose();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('three zooms then an answer: each later turn prefills only its chunk', async () => {
    const turns = scriptToIds(engine.tokenizer, [
      zoom([120, 40, 220, 150]),
      zoom([0, 0, 125, 95]),
      zoom([100, 100, 250, 190]),
      '<think>done</think>\n<answer>A</answer><|im_end|>',
    ]);
    const scripted = scriptOver(engine, turns, async (id) => {
      await engine.runtime.step(id);
    });
    const image = decodePng(new Uint8Array(readFileSync(join(GOLDEN, 'image1.png'))));
    const fedBefore = engine.tokensFed;
    const trace = await runDeepEyes(scripted, {
      image,
      question: 'What color is the sign?',
      options: ['red', 'white'],
      settings: DEFAULT_SETTINGS,
    });
    expect(trace.endReason, trace.error?.message).toBe('answer');
    expect(trace.steps.map((s) => s.action.kind)).toEqual(['tool_call', 'tool_call', 'tool_call', 'answer']);

    const prefillSizes = scripted.prefills.map((p) => p.ids.length);
    expect(prefillSizes[0]).toBe(441);
    // Later prefills: the unfed </tool_call> + the tool-response tail (crop pads + suffix): well under turn 1.
    for (let t = 1; t < prefillSizes.length; t++) {
      const crop = trace.steps[t - 1].action;
      if (crop.kind !== 'tool_call') throw new Error('expected a tool call');
      expect(scripted.prefills[t].ids[0]).toBe(151658);
      const tail = engine.tokenizer.encode(toolResponseTail(crop.crop.imageTokens));
      expect(scripted.prefills[t].ids).toEqual([151658, ...tail]);
      expect(prefillSizes[t]).toBeLessThan(prefillSizes[0]);
    }
    // Tokens fed to the decoder = the prefills + every generated token except each turn's last.
    const generated = trace.steps.reduce((s, st) => s + st.generatedTokens, 0);
    const fed = engine.tokensFed - fedBefore;
    expect(fed).toBe(prefillSizes.reduce((a, b) => a + b, 0) + generated - trace.steps.length);
    // The cache holds exactly the conversation: nothing was prefilled twice.
    expect(engine.runtime.length).toBe(fed);
    expect(engine.runtime.history.length).toBe(fed);
  });
});
