/** How a call to the model worker fails besides what the model, GPU or delivery report. */
import { DeepEyesError } from '../base/errors';

export class ModelNotLoadedError extends DeepEyesError {
  constructor() {
    super('model_missing', 'no model is loaded', {
      advice: 'load a model from the model menu first (or wait for the one loading to finish)',
    });
    this.name = 'ModelNotLoadedError';
  }
}

export class WorkerBusyError extends DeepEyesError {
  constructor() {
    super('busy', 'a run is already in progress: stop it first', { retryable: true });
    this.name = 'WorkerBusyError';
  }
}

export class WorkerCrashedError extends DeepEyesError {
  constructor(detail: string) {
    super('worker_crashed', `the model worker crashed: ${detail}`, { retryable: true });
    this.name = 'WorkerCrashedError';
  }
}

/** Pending calls when the worker is ended on purpose: a hard stop, or the page closing it. */
export class WorkerStoppedError extends DeepEyesError {
  constructor(message: string, retryable = true) {
    super('cancelled', message, { retryable });
    this.name = 'WorkerStoppedError';
  }
}

/**
 * A load interrupted by a crash or device loss whose recovery could not load the model again in
 * the fresh worker: the loss's code, both reasons, and what is left to do.
 */
export class ReloadFailedError extends DeepEyesError {
  constructor(reason: DeepEyesError, failure: unknown) {
    const why =
      failure instanceof Error
        ? failure.message
        : failure === undefined
          ? 'no model to load'
          : String(failure);
    super(
      reason.code,
      `${reason.message} while the model was loading, and loading it again in a fresh worker failed: ${why}`,
      { retryable: true, advice: 'load the model again from the model menu', cause: failure },
    );
    this.name = 'ReloadFailedError';
  }
}
