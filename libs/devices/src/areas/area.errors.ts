import { DomainError, DomainErrorKind, DomainIssue } from '@hub/common';

export class AreaNotFoundError extends DomainError {
  readonly kind: DomainErrorKind = 'not-found';

  constructor(path: string) {
    super(`No area ${JSON.stringify(path)} (GET /api/areas lists them)`);
    this.name = 'AreaNotFoundError';
  }
}

/** The area exists already, or something still names it. */
export class AreaConflictError extends DomainError {
  readonly kind: DomainErrorKind = 'conflict';

  constructor(message: string) {
    super(message);
    this.name = 'AreaConflictError';
  }
}

export class InvalidAreaError extends DomainError {
  readonly kind: DomainErrorKind = 'invalid';

  constructor(
    message: string,
    override readonly issues: readonly DomainIssue[],
  ) {
    super(message);
    this.name = 'InvalidAreaError';
  }
}
