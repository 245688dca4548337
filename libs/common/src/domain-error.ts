/**
 * A failure the caller caused or can act on (bad input, unknown id, a state that does not allow the request), as
 * opposed to a bug or an outage. Libs throw these without knowing about HTTP; the service's one exception filter
 * turns `kind` into 400 / 403 / 404 / 409 and `code`, `params` and `issues` into the response body.
 */
export type DomainErrorKind = 'invalid' | 'forbidden' | 'not-found' | 'conflict';

/**
 * What kind of problem one field has, for a client to say in its own language (the console translates these, with
 * `params`); `invalid` is every problem particular to one field (a clear below its trigger), said by `problem` only.
 */
export const ISSUE_CODES = ['invalid', 'required', 'not-object', 'unknown-field', 'text', 'pattern', 'number', 'boolean', 'one-of', 'duration', 'list', 'list-item', 'repeated'] as const;
export type IssueCode = (typeof ISSUE_CODES)[number];

/** The values a code's sentence needs: bounds, the allowed values, the value given. */
export type IssueParams = Readonly<Record<string, string | number>>;

export interface DomainIssue {
  /** Dotted path of the offending field, e.g. `condition.clear`. */
  readonly field: string;
  /** What is wrong and what is allowed, in English: for logs, scripts and people reading the API. */
  readonly problem: string;
  /** Stable: a generic problem's kind; absent (read as `invalid`) for one particular to the field. */
  readonly code?: IssueCode;
  readonly params?: IssueParams;
}

export abstract class DomainError extends Error {
  abstract readonly kind: DomainErrorKind;
  readonly issues: readonly DomainIssue[] = [];
  /**
   * Stable, for clients to branch on and translate (`device-not-found`); the message is English for people. Left
   * unset, the kind (`not-found`) is the code.
   */
  readonly code: string | undefined;
  /** The values the message names (an id, a name), for a client's own sentence. */
  readonly params: IssueParams | undefined;

  constructor(message: string, detail: { readonly code?: string; readonly params?: IssueParams } = {}) {
    super(message);
    this.code = detail.code;
    this.params = detail.params;
  }
}
