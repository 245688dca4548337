import type { IssueCode, IssueParams } from '@hub/common';

export type { IssueCode, IssueParams } from '@hub/common';

/** One problem of a refused body: the field, a stable code with its values (absent: particular to the field), English text. */
export interface ApiIssue {
  readonly field: string;
  readonly problem: string;
  readonly code?: IssueCode;
  readonly params?: IssueParams;
}

/**
 * Every error the API answers with. `code` is stable and machine-facing (`device-not-found`, `invalid-input`,
 * `too-many-requests`): clients branch on it and say it in their own language; `message` is English for people and logs.
 */
export interface ApiErrorBody {
  readonly statusCode: number;
  readonly error: string;
  readonly code: string;
  readonly message: string;
  readonly params?: IssueParams;
  readonly issues?: readonly ApiIssue[];
}
