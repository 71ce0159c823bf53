import { describe, expect, it } from 'vitest';
import type { AgentEvent } from '../agent/types';
import { interruptedStep, streamedTurnAfter, type StreamedTurn } from './interrupted-step';

const fold = (events: AgentEvent[]) =>
  events.reduce<StreamedTurn | undefined>((t, e) => streamedTurnAfter(t, e), undefined);

describe('interrupted step', () => {
  it('keeps the text streamed so far in the turn being written', () => {
    const t = fold([
      { type: 'turn_start', turn: 1, promptTokens: 40 },
      { type: 'token', turn: 1, tokenId: 10, text: '<think>The ' },
      { type: 'token', turn: 1, tokenId: 11, text: '' },
      { type: 'token', turn: 1, tokenId: 12, text: 'leaf' },
      // A detokenizer flush carries text but is not a generated token.
      { type: 'token', turn: 1, tokenId: -1, text: '!' },
    ]);
    expect(interruptedStep(t)).toEqual({
      index: 1,
      text: '<think>The leaf!',
      action: { kind: 'budget', reason: 'stopped by the user' },
      promptTokens: 40,
      generatedTokens: 3,
      timings: { ttftMs: 0, prefillMs: 0, prefillTokens: 40, decodeMs: 0, decodeTokens: 0, visionMs: 0 },
    });
  });

  it('has nothing to keep before the first token or after the turn ended', () => {
    expect(interruptedStep(fold([{ type: 'turn_start', turn: 0, promptTokens: 9 }]))).toBeNull();
    const ended = fold([
      { type: 'turn_start', turn: 0, promptTokens: 9 },
      { type: 'token', turn: 0, tokenId: 3, text: 'a' },
      {
        type: 'turn_end',
        turn: 0,
        step: {
          index: 0,
          text: 'a',
          action: { kind: 'none', text: 'a' },
          promptTokens: 9,
          generatedTokens: 1,
          timings: { ttftMs: 1, prefillMs: 1, prefillTokens: 9, decodeMs: 0, decodeTokens: 0, visionMs: 0 },
        },
      },
    ]);
    expect(interruptedStep(ended)).toBeNull();
  });

  it('ignores tokens of another turn', () => {
    const t = fold([
      { type: 'turn_start', turn: 2, promptTokens: 5 },
      { type: 'token', turn: 1, tokenId: 3, text: 'stale' },
    ]);
    expect(t).toEqual({ turn: 2, promptTokens: 5, text: '', tokens: 0 });
  });
});
