/**
 * One class per way reading a Hugging Face repo fails, each with advice a user can act on.
 * All extend the project's DeepEyesError, so they cross the worker boundary as ErrorInfo.
 */
import { DeepEyesError } from '../../base/errors';

export class HubAuthError extends DeepEyesError {
  constructor(
    readonly repo: string,
    readonly status: number,
    hadToken: boolean,
  ) {
    super(
      'hub-auth',
      `${repo} answered HTTP ${status}: the repo is gated or private` +
        (hadToken ? ' and the token given may not read it.' : ' and no token was given.'),
      {
        advice:
          `Open https://huggingface.co/${repo} while signed in and accept its licence if it asks, then ` +
          'add a read token (Settings > Access Tokens) in the app, or set HF_TOKEN for the CLI.',
      },
    );
  }
}

export class HubNotFoundError extends DeepEyesError {
  constructor(
    readonly repo: string,
    readonly file: string,
    readonly revision: string,
  ) {
    super('hub-not-found', `${repo}@${revision} has no file ${file} (HTTP 404).`, {
      advice:
        'Check the repo id (owner/name, as in its URL) and the revision; a private repo also answers 404 without a token.',
    });
  }
}

export class HubHtmlPageError extends DeepEyesError {
  constructor(
    readonly url: string,
    readonly file: string,
  ) {
    super('hub-html-page', `${url} answered an HTML page instead of ${file}.`, {
      advice:
        'The endpoint is not a Hugging Face hub (or a login/proxy page sits in front of it): check the ' +
        'endpoint setting (HF_ENDPOINT) and the repo id.',
    });
  }
}

export class HubUnreachableError extends DeepEyesError {
  constructor(
    readonly url: string,
    detail: string,
  ) {
    super('hub-unreachable', `could not reach ${url}: ${detail}.`, {
      retryable: true,
      advice:
        'Check the network connection. In the browser this also happens when the endpoint does not allow ' +
        'this site to read it (CORS): huggingface.co does; for a mirror, allow this origin or use the CLI.',
    });
  }
}

export class HubRangeError extends DeepEyesError {
  constructor(
    readonly file: string,
    readonly range: string,
    detail: string,
  ) {
    super('hub-range', `${file}: the hub refused bytes ${range} (${detail}).`, {
      advice:
        'The file is shorter than its header says or changed while it was being read: pin a revision ' +
        '(repo@commit) and start the conversion again.',
    });
  }
}

export class HubFileChangedError extends DeepEyesError {
  constructor(
    readonly file: string,
    before: string,
    now: string,
  ) {
    super(
      'hub-file-changed',
      `${file} changed on the hub while it was being read (ETag ${before} -> ${now}).`,
      {
        advice: 'A new revision was pushed meanwhile: start again, or pin the revision (repo@commit).',
      },
    );
  }
}

export class HubHttpError extends DeepEyesError {
  constructor(
    readonly url: string,
    readonly status: number,
  ) {
    const server = status >= 500 || status === 429 || status === 408;
    super('hub-http', `${url} answered HTTP ${status}` + (server ? ' after several tries.' : '.'), {
      retryable: server,
      advice: server ? 'The hub is failing or rate-limiting: try again in a few minutes.' : undefined,
    });
  }
}

export class HubRefError extends DeepEyesError {
  constructor(text: string) {
    super('hub-ref', `${JSON.stringify(text)} is not a Hugging Face repo id.`, {
      advice:
        'Write it as owner/name (for example ChenShawn/DeepEyes-7B), optionally hf:owner/name@revision.',
    });
  }
}
