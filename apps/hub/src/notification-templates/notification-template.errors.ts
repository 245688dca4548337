import { DomainError } from '@hub/common';

export class TemplateOverrideNotFoundError extends DomainError {
  readonly kind = 'not-found';

  constructor(language: string, name: string) {
    super(`The message template ${language}/${name} has no override: it is already the shipped default`);
    this.name = 'TemplateOverrideNotFoundError';
  }
}
