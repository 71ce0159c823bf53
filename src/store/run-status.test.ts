import { describe, expect, it } from 'vitest';
import type { AgentEvent, Trace } from '../agent/types';
import { runStatusAfter, traceError } from './run-status';

const token: AgentEvent = { type: 'token', turn: 0, tokenId: 1, text: 'a' };
const end = { type: 'run_end', trace: {} as Trace } as AgentEvent;

describe('runStatusAfter', () => {
  it('streams imply running and run_end returns to idle', () => {
    expect(runStatusAfter('loading', token)).toBe('running');
    expect(runStatusAfter('running', end)).toBe('idle');
    expect(runStatusAfter('stopping', end)).toBe('idle');
  });
  it('stays stopping while late events drain', () => {
    expect(runStatusAfter('stopping', token)).toBe('stopping');
  });
});

describe('traceError', () => {
  it('surfaces a trace error but not a cancellation', () => {
    expect(traceError({ endReason: 'error', error: { code: 'device_lost', message: 'GPU lost' } })).toEqual({
      code: 'device_lost',
      message: 'GPU lost',
      retryable: true,
    });
    expect(traceError({ endReason: 'cancelled', error: { code: 'aborted', message: 'stopped' } })).toBeNull();
    expect(traceError({ endReason: 'answer' })).toBeNull();
  });
});
