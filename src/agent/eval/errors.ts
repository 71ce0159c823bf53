/** Typed failures of the evaluation datasets; each message says what to do about it. */
import { DeepEyesError } from '../../base/errors';

export class DatasetNotFoundError extends DeepEyesError {
  constructor(
    readonly path: string,
    what: string,
    advice: string,
  ) {
    super('dataset_not_found', `${what} not found at ${path}: ${advice}`);
    this.name = 'DatasetNotFoundError';
  }
}

export class MalformedDatasetError extends DeepEyesError {
  constructor(
    readonly file: string,
    readonly where: string,
    problem: string,
    advice: string,
  ) {
    super('malformed_dataset', `${file}${where ? ` (${where})` : ''}: ${problem}. ${advice}`);
    this.name = 'MalformedDatasetError';
  }
}
