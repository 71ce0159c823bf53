/**
 * A DeepEyes tool-call turn through the chat-server engine, against a stand-in that streams like
 * vLLM (it drops the matched `</tool_call>`): the engine re-attaches it, the agent crops the
 * ORIGINAL image, the next request carries the crop between the <tool_response> texts, and the
 * trace records the zoom.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDeepEyes } from '../src/agent/executor';
import { DEFAULT_SETTINGS } from '../src/agent/types';
import { DEEPEYES_USER_SUFFIX } from '../src/agent/protocol/prompts';
import { decodePng } from '../src/image-io/png';
import { ChatServerEngine } from '../src/server-engine/chat-server-engine';
import { testImage } from './support/eval-fixtures';
import { startScriptedChatServer, type ScriptedChatServer } from './support/scripted-chat-server';

const ZOOM =
  '<think>look closer</think>\n<tool_call>\n{"name": "image_zoom_in_tool", "arguments": {"bbox_2d": [40, 30, 240, 180], "label": "square"}}\n</tool_call>';
let server: ScriptedChatServer;

beforeAll(async () => {
  server = await startScriptedChatServer(4227, [ZOOM, '<think>red</think>\n<answer>A</answer>']);
});
afterAll(() => server?.close());

describe('tool-call turn over the chat API', () => {
  it('re-attaches </tool_call>, sends the crop, and records the zoom', async () => {
    // 400x300 is inside the stock processor's limits: the model's box is in original pixels.
    const image = testImage(400, 300, 2);
    const engine = new ChatServerEngine({ baseUrl: server.baseUrl, model: 'scripted' });
    await engine.connect();
    const trace = await runDeepEyes(engine, {
      image,
      question: 'What colour is the square?',
      options: ['red', 'green'],
      settings: DEFAULT_SETTINGS,
    });
    expect(trace.endReason, trace.error?.message).toBe('answer');
    expect(trace.finalAnswer).toBe('A');
    expect(trace.steps[0].text).toBe(ZOOM);
    const act = trace.steps[0].action;
    if (act.kind !== 'tool_call') throw new Error(`expected a tool call, got ${act.kind}`);
    expect(act.call.bboxOriginal).toEqual([40, 30, 240, 180]);
    expect([act.crop.width, act.crop.height]).toEqual([200, 150]);

    const second = server.requests[1] as { messages: { role: string; content: unknown }[] };
    expect(second.messages).toHaveLength(4);
    expect(second.messages[2]).toEqual({ role: 'assistant', content: ZOOM });
    const tool = second.messages[3].content as { type: string; text?: string; image_url?: { url: string } }[];
    expect(tool.map((p) => p.type)).toEqual(['text', 'image_url', 'text', 'text']);
    expect([tool[0].text, tool[2].text, tool[3].text]).toEqual([
      '<tool_response>',
      DEEPEYES_USER_SUFFIX,
      '</tool_response>',
    ]);
    // The crop is cut from the original and resized as the official eval does (smart_resize to
    // multiples of 28: 200x150 -> 196x140); its mean colour is the original region's.
    const crop = decodePng(new Uint8Array(Buffer.from(tool[1].image_url!.url.split(',')[1], 'base64')));
    expect([crop.width, crop.height]).toEqual([196, 140]);
    const mean = (data: Uint8Array, pick: (i: number) => boolean) => {
      const sum = [0, 0, 0];
      let n = 0;
      for (let p = 0; p < data.length / 3; p++)
        if (pick(p)) {
          for (let c = 0; c < 3; c++) sum[c] += data[p * 3 + c];
          n++;
        }
      return sum.map((v) => v / n);
    };
    const region = mean(image.data, (p) => {
      const x = p % 400;
      const y = Math.floor(p / 400);
      return x >= 40 && x < 240 && y >= 30 && y < 180;
    });
    const sent = mean(crop.data, () => true);
    for (let c = 0; c < 3; c++) expect(Math.abs(sent[c] - region[c])).toBeLessThan(2);
    // Usage from the stream lands in the trace.
    expect(trace.steps[0].promptTokens).toBe(101);
  });
});
