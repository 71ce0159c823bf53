import { describe, expect, it } from 'vitest';
import { parseCompletionRequest } from './parse-request';
import { BadRequestError } from './errors';

const user = {
  role: 'user',
  content: [
    { type: 'image_url', image_url: { url: 'data:image/png;base64,AA' } },
    { type: 'text', text: 'q' },
  ],
};

describe('parseCompletionRequest', () => {
  it('reads the OpenAI fields; temperature 0 is greedy', () => {
    const r = parseCompletionRequest(
      {
        model: 'm',
        messages: [user],
        max_tokens: 9,
        temperature: 0,
        stop: ['</tool_call>'],
        stream: true,
        stream_options: { include_usage: true },
      },
      100,
    );
    expect(r).toMatchObject({
      model: 'm',
      maxTokens: 9,
      sampling: { kind: 'greedy' },
      stop: ['</tool_call>'],
      stream: true,
      includeUsage: true,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image', dataUrl: 'data:image/png;base64,AA' },
            { type: 'text', text: 'q' },
          ],
        },
      ],
    });
  });
  it('OpenAI defaults: temperature 1, top_p 1, our max_tokens', () => {
    const r = parseCompletionRequest(
      { model: 'm', messages: [{ role: 'user', content: 'hi' }], seed: 3 },
      100,
    );
    expect(r.sampling).toEqual({ kind: 'sample', temperature: 1, topP: 1, seed: 3 });
    expect(r.maxTokens).toBe(100);
  });
  it('refuses what it cannot serve, with a 400', () => {
    const bad = [
      null,
      { model: 'm', messages: [] },
      { model: 'm', messages: [{ role: 'tool', content: 'x' }] },
      {
        model: 'm',
        messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'http://x/y.png' } }] }],
      },
      { model: 'm', messages: [user], temperature: 5 },
      { model: 'm', messages: [user], stop: [1] },
    ];
    for (const b of bad) {
      const e = (() => {
        try {
          parseCompletionRequest(b, 10);
        } catch (x) {
          return x;
        }
      })();
      expect(e).toBeInstanceOf(BadRequestError);
      expect((e as BadRequestError).status).toBe(400);
    }
  });
});
