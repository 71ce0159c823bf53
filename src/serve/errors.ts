/** Why `serve` refused a request: each maps to an HTTP status and an OpenAI-style error body. */
import { DeepEyesError } from '../base/errors';

export class BadRequestError extends DeepEyesError {
  readonly status: number;
  constructor(message: string, status = 400, code = 'invalid_request') {
    super(code, message, { advice: 'Send an OpenAI chat-completions request (see the README, "Serving").' });
    this.status = status;
  }
}

export class UnknownModelError extends BadRequestError {
  constructor(asked: string, served: string) {
    super(`the model "${asked}" does not exist; this server serves "${served}"`, 404, 'model_not_found');
  }
}

export class ContextLengthError extends BadRequestError {
  constructor(tokens: number, max: number) {
    super(
      `This model's maximum context length is ${max} tokens; the request has ${tokens} prompt tokens (context length exceeded)`,
      400,
      'context_length_exceeded',
    );
  }
}

export class QueueFullError extends BadRequestError {
  constructor(waiting: number) {
    super(`the server is busy: ${waiting} requests are already waiting`, 503, 'server_busy');
  }
}

export class RequestTooLargeError extends BadRequestError {
  constructor(limit: number) {
    super(`the request body is over the limit of ${limit} bytes (--max-body)`, 413, 'request_too_large');
  }
}

/** The OpenAI error object. */
export function errorBody(e: BadRequestError): { error: { message: string; type: string; code: string } } {
  return { error: { message: e.message, type: e.code, code: e.code } };
}
