import { DomainError, DomainIssue } from '@hub/common';

/** A decoder definition that cannot be saved: every problem found, each naming its field (HTTP 400 through the filter). */
export class DecoderDefinitionError extends DomainError {
  readonly kind = 'invalid';
  override readonly issues: readonly DomainIssue[];

  constructor(issues: readonly DomainIssue[]) {
    super(`Invalid decoder definition: ${issues.map((issue) => `${issue.field}: ${issue.problem}`).join('; ')}`);
    this.name = 'DecoderDefinitionError';
    this.issues = issues;
  }
}
