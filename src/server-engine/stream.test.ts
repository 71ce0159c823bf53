/**
 * Parsing streamed chat-completion chunks as vLLM sends them (the first chunk carries the role,
 * content deltas follow, the finishing chunk has finish_reason and vLLM's stop_reason, and with
 * stream_options.include_usage a last chunk with empty choices carries usage), then `data: [DONE]`.
 */
import { describe, expect, it } from 'vitest';
import { parseChunk, parseCompletion, SseSplitter } from './stream';
import { ServerStreamError } from './errors';

const chunk = (choices: unknown[], usage: unknown = null) =>
  JSON.stringify({
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'deepeyes',
    choices,
    usage,
  });

const VLLM_STREAM =
  `data: ${chunk([{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }])}\n\n` +
  `data: ${chunk([{ index: 0, delta: { content: '<think>a' }, logprobs: null, finish_reason: null }])}\n\n` +
  `data: ${chunk([{ index: 0, delta: { content: ' b</think>\n<tool_call>\n{}' }, logprobs: null, finish_reason: null }])}\n\n` +
  `data: ${chunk([{ index: 0, delta: { content: '' }, logprobs: null, finish_reason: 'stop', stop_reason: '</tool_call>' }])}\n\n` +
  `data: ${chunk([], { prompt_tokens: 900, total_tokens: 912, completion_tokens: 12, prompt_tokens_details: { cached_tokens: 880 } })}\n\n` +
  'data: [DONE]\n\n';

describe('SSE chunks', () => {
  it('splits events across arbitrary byte boundaries and stops at [DONE]', () => {
    for (const step of [1, 7, 64, VLLM_STREAM.length]) {
      const sse = new SseSplitter();
      const payloads: string[] = [];
      for (let i = 0; i < VLLM_STREAM.length; i += step)
        payloads.push(...sse.push(VLLM_STREAM.slice(i, i + step)));
      expect(sse.done).toBe(true);
      const parsed = payloads.map(parseChunk);
      expect(parsed.map((p) => p.delta).join('')).toBe('<think>a b</think>\n<tool_call>\n{}');
      expect(parsed[3]).toEqual({ delta: '', finishReason: 'stop', matchedStop: '</tool_call>' });
      expect(parsed[4].usage).toEqual({ promptTokens: 900, completionTokens: 12, cachedTokens: 880 });
    }
  });

  it('CRLF events and SGLang matched_stop', () => {
    const sse = new SseSplitter();
    const out = sse.push(
      `data: ${chunk([{ index: 0, delta: {}, finish_reason: 'stop', matched_stop: '<|im_end|>' }])}\r\n\r\ndata: [DONE]\r\n\r\n`,
    );
    expect(out.map(parseChunk)).toEqual([{ delta: '', finishReason: 'stop', matchedStop: '<|im_end|>' }]);
    expect(sse.done).toBe(true);
  });

  it('a non-JSON event or an error event is a typed stream error', () => {
    expect(() => parseChunk('nope')).toThrow(ServerStreamError);
    expect(() => parseChunk(JSON.stringify({ error: { message: 'boom' } }))).toThrow(/boom/);
  });

  it('non-streamed chat.completion', () => {
    const c = parseCompletion({
      object: 'chat.completion',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: '<answer>A</answer>' },
          finish_reason: 'stop',
          stop_reason: null,
        },
      ],
      usage: { prompt_tokens: 10, completion_tokens: 3, total_tokens: 13 },
    });
    expect(c).toEqual({
      delta: '<answer>A</answer>',
      finishReason: 'stop',
      usage: { promptTokens: 10, completionTokens: 3 },
    });
  });
});
