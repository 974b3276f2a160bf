/** One problem with one field of the input; `index` is the position of the item in a batch (or a file's line). */
export interface FieldProblem {
  index?: number;
  field: string;
  message: string;
}

/** Input the service refuses: becomes an HTTP 4xx with the problems listed, or a CLI message with exit code ≠ 0. */
export class InputError extends Error {
  constructor(
    message: string,
    readonly problems: FieldProblem[] = [],
    readonly statusCode = 400,
  ) {
    super(message);
    this.name = 'InputError';
  }
}

export class NotFoundError extends Error {
  readonly statusCode = 404;
  constructor(message: string) {
    super(message);
    this.name = 'NotFoundError';
  }
}
