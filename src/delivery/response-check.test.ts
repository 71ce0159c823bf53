import { describe, expect, it } from 'vitest';
import { asDeliveryError, checkResponse } from './response-check';
import {
  HtmlInsteadOfFileError,
  HttpStatusError,
  LengthMismatchError,
  NetworkError,
  RangeMismatchError,
} from './errors';

const file = { path: 'onnx/decoder_model_merged_q4.onnx_data', bytes: 1000, sha256: 'x'.repeat(64) };
const res = (status: number, headers: Record<string, string>) =>
  new Response(status === 204 ? null : 'body', { status, headers });

describe('checkResponse', () => {
  it('accepts a whole file and a resumed range that starts where we asked', () => {
    expect(checkResponse(res(200, { 'content-length': '1000' }), 'u', file, 0)).toBe(0);
    expect(
      checkResponse(
        res(206, { 'content-range': 'bytes 400-999/1000', 'content-length': '600' }),
        'u',
        file,
        400,
      ),
    ).toBe(400);
  });
  it('refuses error statuses, HTML pages and wrong lengths before a byte is kept', () => {
    expect(() => checkResponse(res(404, {}), 'u', file, 0)).toThrow(HttpStatusError);
    expect(() =>
      checkResponse(res(200, { 'content-type': 'text/html; charset=utf-8' }), 'u', file, 0),
    ).toThrow(HtmlInsteadOfFileError);
    expect(() => checkResponse(res(200, { 'content-length': '999' }), 'u', file, 0)).toThrow(
      LengthMismatchError,
    );
    expect(() => checkResponse(res(206, { 'content-range': 'bytes 0-999/1000' }), 'u', file, 400)).toThrow(
      RangeMismatchError,
    );
    expect(() => checkResponse(res(206, { 'content-range': 'bytes 400-1999/2000' }), 'u', file, 400)).toThrow(
      LengthMismatchError,
    );
  });
  it('treats fetch TypeErrors as retryable network errors and leaves unknown errors alone', () => {
    expect(asDeliveryError(new TypeError('Failed to fetch'), 'p')).toBeInstanceOf(NetworkError);
    expect(asDeliveryError(new RangeError('bug'), 'p')).toBeNull();
  });
});
