import { DomainError } from '@hub/common';

/** The caller is authenticated but the thing is outside their towns or domains, or the action outside their role (403). */
export class AccessDeniedError extends DomainError {
  readonly kind = 'forbidden';

  constructor(message: string) {
    super(message);
    this.name = 'AccessDeniedError';
  }
}

export class AccessNotFoundError extends DomainError {
  readonly kind = 'not-found';

  constructor(message: string) {
    super(message);
    this.name = 'AccessNotFoundError';
  }
}

export class AccessConflictError extends DomainError {
  readonly kind = 'conflict';

  constructor(message: string) {
    super(message);
    this.name = 'AccessConflictError';
  }
}

/** Too many wrong passwords for this username or from this address: try again after `retryAfterMs` (HTTP 429). */
export class TooManyAttemptsError extends Error {
  constructor(readonly retryAfterMs: number) {
    super(`Too many failed attempts: try again in ${Math.max(1, Math.ceil(retryAfterMs / 1000))} s`);
    this.name = 'TooManyAttemptsError';
  }

  get retryAfterSeconds(): number {
    return Math.max(1, Math.ceil(this.retryAfterMs / 1000));
  }
}
