import { DomainError } from '@hub/common';

export class NetworkServerNotFoundError extends DomainError {
  readonly kind = 'not-found';

  constructor(name: string) {
    super(`No network server named ${JSON.stringify(name)}`);
    this.name = 'NetworkServerNotFoundError';
  }
}

export class NetworkServerExistsError extends DomainError {
  readonly kind = 'conflict';

  constructor(name: string) {
    super(`A network server named ${JSON.stringify(name)} already exists (change it with PATCH /api/network-servers/${name})`);
    this.name = 'NetworkServerExistsError';
  }
}
