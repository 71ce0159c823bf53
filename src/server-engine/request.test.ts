/**
 * Our request JSON against the chat-completions shapes vLLM documents (OpenAI-compatible server:
 * messages with `image_url` content parts holding data URLs, `stop`, `max_tokens`, `temperature`,
 * `top_p`, `seed`, `stream_options.include_usage`), built by hand here from those docs and from the
 * official DeepEyes eval (eval/eval_vstar.py) message order, not from the code under test.
 */
import { describe, expect, it } from 'vitest';
import { errorTurn, firstTurn, toolResponseTurn } from '../agent/kernel';
import { DEEPEYES_SYSTEM_PROMPT, DEEPEYES_USER_SUFFIX } from '../agent/protocol/prompts';
import { chatRequest, toChatMessages } from './request';
import type { RgbImage } from '../base/types';

const img = (w: number): RgbImage => ({ width: w, height: 2, data: new Uint8Array(w * 6) });
const encode = (i: RgbImage) => `data:image/png;base64,W${i.width}`;

describe('chat-completions request', () => {
  it('turn 1: system string, then user [image_url, text]', () => {
    const msgs = toChatMessages(
      firstTurn({ question: 'What colour?', options: ['red', 'blue'] }, img(5)),
      encode,
    );
    expect(msgs).toEqual([
      { role: 'system', content: DEEPEYES_SYSTEM_PROMPT },
      {
        role: 'user',
        content: [
          { type: 'image_url', image_url: { url: 'data:image/png;base64,W5' } },
          {
            type: 'text',
            text: `Question: What colour?\nOptions: \nA. red\nB. blue\n\n${DEEPEYES_USER_SUFFIX}`,
          },
        ],
      },
    ]);
  });

  it('tool turn: the assistant text with </tool_call>, then user [<tool_response>, crop, suffix, </tool_response>]', () => {
    const said =
      '<think>x</think>\n<tool_call>\n{"name": "image_zoom_in_tool", "arguments": {"bbox_2d": [1, 2, 3, 4]}}\n</tool_call>';
    expect(toChatMessages(toolResponseTurn(said, img(7)), encode)).toEqual([
      { role: 'assistant', content: said },
      {
        role: 'user',
        content: [
          { type: 'text', text: '<tool_response>' },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,W7' } },
          { type: 'text', text: DEEPEYES_USER_SUFFIX },
          { type: 'text', text: '</tool_response>' },
        ],
      },
    ]);
  });

  it('error turn: user text `Error: …`', () => {
    expect(toChatMessages(errorTurn('<tool_call>\n{}\n</tool_call>', 'bad'), encode)[1]).toEqual({
      role: 'user',
      content: 'Error: bad',
    });
  });

  it('body: greedy is temperature 0, stops, streaming with usage', () => {
    expect(
      chatRequest('deepeyes', [], { maxNewTokens: 64, sampling: { kind: 'greedy' }, stream: true }),
    ).toEqual({
      model: 'deepeyes',
      messages: [],
      max_tokens: 64,
      temperature: 0,
      stop: ['</tool_call>', '<|im_end|>'],
      stream: true,
      stream_options: { include_usage: true },
    });
    const s = chatRequest('m', [], {
      maxNewTokens: 8,
      sampling: { kind: 'sample', temperature: 0.6, topP: 0.9, seed: 7 },
      stream: false,
    });
    expect(s).toEqual({
      model: 'm',
      messages: [],
      max_tokens: 8,
      temperature: 0.6,
      top_p: 0.9,
      seed: 7,
      stop: ['</tool_call>', '<|im_end|>'],
      stream: false,
    });
  });
});
