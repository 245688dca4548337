import { DomainError } from '@hub/common';

export class ContactPointNotFoundError extends DomainError {
  readonly kind = 'not-found';

  constructor(name: string) {
    super(`No contact point named ${JSON.stringify(name)}`, { code: 'contact-point-not-found', params: { name } });
    this.name = 'ContactPointNotFoundError';
  }
}

export class ContactPointExistsError extends DomainError {
  readonly kind = 'conflict';

  constructor(name: string) {
    super(`A contact point named ${JSON.stringify(name)} already exists (change it with PATCH /api/contact-points/${name})`, { code: 'contact-point-exists', params: { name } });
    this.name = 'ContactPointExistsError';
  }
}
