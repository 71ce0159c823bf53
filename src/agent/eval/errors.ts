/** Typed failures of the evaluation datasets; each message says what to do about it. */

export class DatasetNotFoundError extends Error {
  constructor(
    readonly path: string,
    what: string,
    advice: string,
  ) {
    super(`${what} not found at ${path}: ${advice}`);
    this.name = 'DatasetNotFoundError';
  }
}

export class MalformedDatasetError extends Error {
  constructor(
    readonly file: string,
    readonly where: string,
    problem: string,
    advice: string,
  ) {
    super(`${file}${where ? ` (${where})` : ''}: ${problem}. ${advice}`);
    this.name = 'MalformedDatasetError';
  }
}
