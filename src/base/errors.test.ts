import { describe, expect, it } from 'vitest';
import { DeepEyesError, fromErrorInfo, toErrorInfo } from './errors';

class ExampleError extends DeepEyesError {
  constructor() {
    super('example_failed', 'the example failed', { retryable: true, advice: 'try again' });
    this.name = 'ExampleError';
  }
}

describe('the error contract', () => {
  it('keeps code, retryable and advice across a thread (structured clone) and back', () => {
    const info = structuredClone(toErrorInfo(new ExampleError()));
    expect(info).toEqual({
      code: 'example_failed',
      message: 'the example failed',
      retryable: true,
      advice: 'try again',
    });
    const back = fromErrorInfo(info);
    expect(back).toBeInstanceOf(DeepEyesError);
    expect(back).toMatchObject(info);
  });

  it('gives anything untyped the fallback code, not retryable, with its message', () => {
    expect(toErrorInfo(new TypeError('x is undefined'), 'run_failed')).toEqual({
      code: 'run_failed',
      message: 'x is undefined',
      retryable: false,
    });
    expect(toErrorInfo('plain text')).toEqual({ code: 'internal', message: 'plain text', retryable: false });
  });
});
