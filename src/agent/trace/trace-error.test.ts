import { describe, expect, it } from 'vitest';
import { InvalidLogitsError } from '../../model/runtime/sampling';
import { traceErrorInfo } from './trace-error';

describe('traceErrorInfo', () => {
  it('keeps an ErrorInfo as it is', () => {
    const info = new InvalidLogitsError('nan').toInfo();
    expect(traceErrorInfo(info)).toEqual(info);
    expect(info.code).toBe('invalid_logits');
  });

  it('reads an older trace (class name as code, no retryable) into the codes the page keys on', () => {
    expect(traceErrorInfo({ code: 'InvalidLogitsError', message: 'NaN logits' })).toEqual({
      code: 'invalid_logits',
      message: 'NaN logits',
      retryable: false,
    });
    expect(traceErrorInfo({ code: 'device_lost', message: 'GPU lost' })).toEqual({
      code: 'device_lost',
      message: 'GPU lost',
      retryable: true,
    });
  });
});
