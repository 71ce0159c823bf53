import { describe, expect, it } from 'vitest';
import { runDeepEyes } from './executor';
import { reduceAgentEvents } from './trace/fold';
import { ScriptedEngine, scriptToIds } from '../../test/support/scripted-engine';
import { loadTestTokenizer } from '../convert/synth/test-tokenizer';
import { ChatTemplate } from '../model/tokenizer/chat-template';
import { DEFAULT_SETTINGS, type AgentEvent } from './types';
import { toolErrorTail, toolResponseTail } from './protocol/chunks';
import { decodePng } from '../image-io/png';
import { GoldenSet } from '../../test/support/golden-set';

import type { RgbImage } from '../base/types';
const tokenizer = loadTestTokenizer();
const template = ChatTemplate.stock();
const image: RgbImage = decodePng(GoldenSet.publicSet().bytes('image1.png'));

const zoom = (box: number[], label = 'the sign') =>
  `<think>Let me look closer.</think>\n<tool_call>\n{"name": "image_zoom_in_tool", "arguments": {"bbox_2d": [${box.join(', ')}], "label": "${label}"}}\n</tool_call>`;
const answer = (a: string) => `<think>Now I can see it.</think>\n<answer>${a}</answer><|im_end|>`;

function engineFor(turns: string[], beforeTurn?: (t: number) => void) {
  return new ScriptedEngine(tokenizer, template, scriptToIds(tokenizer, turns), beforeTurn);
}

describe('runDeepEyes (scripted engine)', () => {
  it('zooms twice, feeding only each new chunk, then answers', async () => {
    const engine = engineFor([zoom([120, 40, 220, 150]), zoom([10, 10, 100, 90], 'corner'), answer('B')]);
    const events: AgentEvent[] = [];
    const trace = await runDeepEyes(engine, {
      image,
      question: 'What color is the sign?',
      options: ['red', 'white'],
      settings: DEFAULT_SETTINGS,
      onEvent: (e) => events.push(e),
    });
    expect(trace.endReason).toBe('answer');
    expect(trace.finalAnswer).toBe('B');
    expect(trace.steps.map((s) => s.action.kind)).toEqual(['tool_call', 'tool_call', 'answer']);
    const step0 = trace.steps[0].action;
    if (step0.kind !== 'tool_call') throw new Error('expected a tool call');
    expect(step0.call.bboxOriginal).toEqual([120, 40, 220, 150]);
    expect([step0.crop.width, step0.crop.height, step0.crop.resizedWidth, step0.crop.resizedHeight]).toEqual([
      100, 110, 112, 112,
    ]);
    expect(step0.crop.imageTokens).toBe(16);

    // Turn 1 is the whole prompt (441 ids, as the golden set); every later prefill is only
    // [the unfed </tool_call>] + the tool-response tail with the crop's pads.
    expect(engine.prefills[0].ids).toHaveLength(441);
    const tail = tokenizer.encode(toolResponseTail(16));
    expect(engine.prefills[1].ids).toEqual([151658, ...tail]);
    expect(engine.prefills[1].images).toBe(1);
    expect(engine.prefills).toHaveLength(3);
    const generated = trace.steps.reduce((s, st) => s + st.generatedTokens, 0);
    const fedByDecode = generated - trace.steps.length; // the last id of each turn is never fed
    expect(engine.tokensFed).toBe(engine.prefills.reduce((s, p) => s + p.ids.length, 0) + fedByDecode);

    const kinds = events.map((e) => e.type);
    expect(kinds[0]).toBe('run_start');
    expect(kinds.at(-1)).toBe('run_end');
    expect(kinds.filter((k) => k === 'turn_end')).toHaveLength(3);
    const segs = events.flatMap((e) => (e.type === 'segment' ? [e.segment.kind] : []));
    expect(segs).toEqual([
      'think',
      'tool_call',
      'tool_result',
      'think',
      'tool_call',
      'tool_result',
      'think',
      'answer',
    ]);
    const streamed = events.flatMap((e) => (e.type === 'token' && e.turn === 2 ? [e.text] : [])).join('');
    expect(streamed).toBe('<think>Now I can see it.</think>\n<answer>B</answer>');
  });

  it('answers a bad box with the trained error turn and goes on', async () => {
    const engine = engineFor([zoom([50, 50, 60, 60]), zoom([NaN, 0, 10, 10] as number[]), answer('A')]);
    const trace = await runDeepEyes(engine, { image, question: 'q', settings: DEFAULT_SETTINGS });
    expect(trace.steps.map((s) => s.action.kind)).toEqual(['tool_error', 'tool_error', 'answer']);
    const err = trace.steps[0].action;
    expect(err.kind === 'tool_error' && err.message).toBe('ZOOM IN ARGUMENTS ARE INVALID');
    expect(engine.prefills[1].ids).toEqual([
      151658,
      ...tokenizer.encode(toolErrorTail('ZOOM IN ARGUMENTS ARE INVALID')),
    ]);
    expect(engine.prefills[1].images).toBe(0);
  });

  it('records malformed JSON and unknown tools as error turns', async () => {
    const bad = '<tool_call>\n{"name": "image_zoom_in_tool", "arguments": {"bbox_2d": [1, 2, </tool_call>';
    const unknown = '<tool_call>\n{"name": "magnify", "arguments": {}}\n</tool_call>';
    const engine = engineFor([bad, unknown, answer('C')]);
    const trace = await runDeepEyes(engine, { image, question: 'q', settings: DEFAULT_SETTINGS });
    const [a, b] = trace.steps.map((s) => s.action);
    expect(a.kind === 'tool_error' && a.message.startsWith('Invalid tool call format: ')).toBe(true);
    expect(b.kind === 'tool_error' && b.message).toBe('Unknown tool name: magnify');
    expect(trace.endReason).toBe('answer');
  });

  it('stops a model that keeps zooming at the crop budget, keeping the partial trace', async () => {
    const engine = engineFor(Array.from({ length: 10 }, () => zoom([0, 0, 100, 100])));
    const trace = await runDeepEyes(engine, {
      image,
      question: 'q',
      settings: { ...DEFAULT_SETTINGS, maxCrops: 2 },
    });
    expect(trace.endReason).toBe('budget');
    expect(trace.steps.map((s) => s.action.kind)).toEqual(['tool_call', 'tool_call', 'budget']);
  });

  it('stops a model that never stops at the token budget', async () => {
    const engine = engineFor(['<think>' + 'and then '.repeat(400)]);
    const trace = await runDeepEyes(engine, {
      image,
      question: 'q',
      settings: { ...DEFAULT_SETTINGS, maxTokensPerTurn: 50 },
    });
    expect(trace.endReason).toBe('budget');
    expect(trace.steps[0].generatedTokens).toBe(50);
  });

  it('ends with the whole response when there is neither answer nor tool call', async () => {
    const engine = engineFor(['It is red.<|im_end|>']);
    const trace = await runDeepEyes(engine, { image, question: 'q', settings: DEFAULT_SETTINGS });
    expect(trace.endReason).toBe('no_action');
    expect(trace.finalAnswer).toBe('It is red.');
  });

  it('maps boxes back to the original when the image was downscaled for the model', async () => {
    const big: RgbImage = { width: 5600, height: 2800, data: new Uint8Array(5600 * 2800 * 3).fill(90) };
    const engine = new ScriptedEngine(
      tokenizer,
      template,
      scriptToIds(tokenizer, [zoom([100, 100, 300, 200]), answer('A')]),
    );
    const trace = await runDeepEyes(engine, {
      image: big,
      question: 'q',
      settings: DEFAULT_SETTINGS,
    });
    // 5600x2800 is downscaled only above max_pixels (12.8 MP): 15.7 MP is, so the box scales up.
    const a = trace.steps[0].action;
    expect(trace.image.resizedWidth).toBeLessThan(5600);
    const sx = 5600 / trace.image.resizedWidth;
    const sy = 2800 / trace.image.resizedHeight;
    expect(a.kind === 'tool_call' && a.call.bboxOriginal).toEqual([100 * sx, 100 * sy, 300 * sx, 200 * sy]);
  });

  it('cancels between tokens and reports the run as cancelled', async () => {
    const controller = new AbortController();
    const engine = engineFor([zoom([120, 40, 220, 150]), answer('A')], (t) => {
      if (t === 1) controller.abort();
    });
    const trace = await runDeepEyes(engine, {
      image,
      question: 'q',
      settings: DEFAULT_SETTINGS,
      signal: controller.signal,
    });
    expect(trace.endReason).toBe('cancelled');
    expect(trace.steps).toHaveLength(1);
  });

  it('resumes an interrupted run from its last completed turn with one prefill', async () => {
    const controller = new AbortController();
    const first = engineFor([zoom([120, 40, 220, 150]), answer('A')], (t) => {
      if (t === 1) controller.abort();
    });
    const cut = await runDeepEyes(first, {
      image,
      question: 'q',
      settings: DEFAULT_SETTINGS,
      signal: controller.signal,
    });
    expect(cut.endReason).toBe('cancelled');

    const second = engineFor([answer('B')]);
    const events: AgentEvent[] = [];
    const trace = await runDeepEyes(second, {
      image,
      question: 'q',
      settings: DEFAULT_SETTINGS,
      resumeFrom: cut,
      onEvent: (e) => events.push(e),
    });
    expect(trace.endReason).toBe('answer');
    expect(trace.steps.map((s) => [s.index, s.action.kind])).toEqual([
      [0, 'tool_call'],
      [1, 'answer'],
    ]);
    // One prefill: the turn-1 prompt, the replayed assistant turn and its tool response with the crop.
    expect(second.prefills).toHaveLength(1);
    const expected = [
      ...first.prefills[0].ids,
      ...tokenizer.encode(cut.steps[0].text),
      ...tokenizer.encode(toolResponseTail(16)),
    ];
    expect(second.prefills[0].ids).toEqual(expected);
    expect(second.prefills[0].images).toBe(2);
    expect(events.filter((e) => e.type === 'turn_end')).toHaveLength(2);
  });

  it('returns the fold of the events it emitted; a stop mid-turn keeps the text written so far', async () => {
    const controller = new AbortController();
    const engine = engineFor([zoom([120, 40, 220, 150]), answer('A')]);
    const events: AgentEvent[] = [];
    const trace = await runDeepEyes(engine, {
      image,
      question: 'q',
      settings: DEFAULT_SETTINGS,
      signal: controller.signal,
      onEvent: (e) => {
        events.push(e);
        if (e.type === 'token' && e.turn === 1 && e.text) controller.abort();
      },
    });
    expect(trace.endReason).toBe('cancelled');
    const firstText = events.find((e) => e.type === 'token' && e.turn === 1 && e.text);
    expect(trace.steps.map((s) => [s.index, s.action.kind, s.text])).toEqual([
      [0, 'tool_call', trace.steps[0].text],
      [1, 'budget', firstText?.type === 'token' ? firstText.text : '?'],
    ]);
    const ended = events.flatMap((e) => (e.type === 'turn_end' ? [e.step] : []));
    expect(trace.steps[0]).toBe(ended[0]);
    expect(reduceAgentEvents(events)?.final).toBe(trace);
    const start = events[0];
    expect(start.type === 'run_start' && [start.modelId, start.backend]).toEqual(['scripted', 'none']);
  });
});
