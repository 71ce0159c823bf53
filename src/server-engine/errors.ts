/**
 * What can go wrong talking to an OpenAI-compatible chat server (vLLM, SGLang, llama.cpp, our
 * `serve`), one DeepEyesError subclass per failure, each with what the user can do about it.
 */
import { DeepEyesError } from '../base/errors';

/** Nothing answered at the URL (Node: connection refused, unknown host, reset before a reply). */
export class ServerUnreachableError extends DeepEyesError {
  constructor(url: string, reason: string, cause?: unknown) {
    super('server_unreachable', `no server answered at ${url} (${reason})`, {
      retryable: true,
      advice:
        'Check that the server is running and that the base URL (scheme, host, port and /v1) is right, ' +
        'e.g. http://127.0.0.1:8000/v1 for vLLM.',
      cause,
    });
  }
}

/**
 * A browser fetch that failed without a response: the server is down, or it answered without
 * letting this page's origin read it (CORS). The browser does not say which.
 */
export class ServerBlockedError extends DeepEyesError {
  constructor(url: string, origin: string, cause?: unknown) {
    super('server_unreachable_or_cors', `the browser could not read a response from ${url}`, {
      retryable: true,
      advice:
        `Either nothing is running there, or the server does not allow this page's origin (${origin}). ` +
        `Start vLLM with --allowed-origins '["${origin}"]' (SGLang and llama.cpp allow any origin by ` +
        `default; npm run serve -- <model> --cors ${origin}).`,
      cause,
    });
  }
}

/** 401/403: the API key is missing or wrong. */
export class ServerAuthError extends DeepEyesError {
  constructor(status: number, detail: string) {
    super('server_unauthorized', `the server refused the request (HTTP ${status}): ${detail}`, {
      advice:
        'Give the API key the server was started with (vLLM: --api-key; here: the "API key" field or --api-key).',
    });
  }
}

/** The server does not serve the model name asked for. */
export class ServerModelNotFoundError extends DeepEyesError {
  constructor(model: string, available: readonly string[], detail = '') {
    super(
      'server_unknown_model',
      `the server does not serve a model named "${model}"${detail ? ` (${detail})` : ''}`,
      {
        advice: available.length
          ? `Use one of the names it lists at /v1/models: ${available.join(', ')}.`
          : 'Use the name the server lists at /v1/models (vLLM: the --served-model-name, or the model path).',
      },
    );
  }
}

/** The conversation (images included) no longer fits the model's context. */
export class ServerContextLengthError extends DeepEyesError {
  constructor(detail: string) {
    super('server_context_length', `the conversation is longer than the server's context: ${detail}`, {
      advice:
        'Start the server with a larger maximum model length (vLLM --max-model-len 32768, SGLang ' +
        '--context-length 32768), lower max_pixels, or allow fewer zooms and tokens per run.',
    });
  }
}

/** 429/503 after every retry: the server is overloaded or still loading. */
export class ServerBusyError extends DeepEyesError {
  constructor(status: number, attempts: number, detail: string) {
    super('server_busy', `the server stayed busy (HTTP ${status}) after ${attempts} attempts: ${detail}`, {
      retryable: true,
      advice:
        'Wait for the server to finish loading or for other requests to finish, or lower --concurrency.',
    });
  }
}

/** Any other non-2xx answer (bad request, server error). */
export class ServerHttpError extends DeepEyesError {
  constructor(status: number, detail: string) {
    super('server_http_error', `the server answered HTTP ${status}: ${detail}`, {
      retryable: status >= 500,
      advice:
        status >= 500
          ? "Look at the server's log for the failure."
          : 'The server rejected the request; check the model name and that it is a vision model with images allowed per prompt (vLLM --limit-mm-per-prompt).',
    });
  }
}

/** The stream broke off (server killed, connection dropped) or spoke something other than SSE JSON. */
export class ServerStreamError extends DeepEyesError {
  constructor(message: string, cause?: unknown) {
    super('server_stream_broken', message, {
      retryable: true,
      advice:
        'The server stopped mid-answer (crashed, restarted, or the connection dropped). The turns so far ' +
        'are kept in the trace; start the server again and rerun.',
      cause,
    });
  }
}
