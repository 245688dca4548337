/**
 * A failure the caller caused or can act on (bad input, unknown id, a state that does not allow the request), as
 * opposed to a bug or an outage. Libs throw these without knowing about HTTP; the service's one exception filter
 * turns `kind` into 400 / 403 / 404 / 409 and `issues` into the response body.
 */
export type DomainErrorKind = 'invalid' | 'forbidden' | 'not-found' | 'conflict';

export interface DomainIssue {
  /** Dotted path of the offending field, e.g. `condition.clear`. */
  readonly field: string;
  /** What is wrong and what is allowed. */
  readonly problem: string;
}

export abstract class DomainError extends Error {
  abstract readonly kind: DomainErrorKind;
  readonly issues: readonly DomainIssue[] = [];
}
