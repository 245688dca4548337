import { DomainError, DomainErrorKind, DomainIssue } from '@hub/common';

export class AreaNotFoundError extends DomainError {
  readonly kind: DomainErrorKind = 'not-found';

  constructor(path: string) {
    super(`No area ${JSON.stringify(path)} (GET /api/areas lists them)`, { code: 'area-not-found', params: { area: path } });
    this.name = 'AreaNotFoundError';
  }
}

/** The area exists already, or something still names it. */
/**
 * Why an area cannot be created, renamed or deleted: `area-exists` (params `area`), `area-has-villages` (`area`,
 * `villages`), `area-in-use` (`area`, `count`: devices, rules, scopes … still naming it).
 */
export type AreaConflictCode = 'area-exists' | 'area-has-villages' | 'area-in-use';

export class AreaConflictError extends DomainError {
  readonly kind: DomainErrorKind = 'conflict';

  constructor(message: string, code: AreaConflictCode, params: Readonly<Record<string, string | number>>) {
    super(message, { code, params });
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
