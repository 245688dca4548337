import { DomainError } from '@hub/common';

export class IntegrationClientNotFoundError extends DomainError {
  readonly kind = 'not-found';

  constructor(name: string) {
    super(`No MQTT client named ${JSON.stringify(name)}`);
    this.name = 'IntegrationClientNotFoundError';
  }
}

export class IntegrationClientExistsError extends DomainError {
  readonly kind = 'conflict';

  constructor(name: string) {
    super(`An MQTT client named ${JSON.stringify(name)} already exists (rotate its secret with POST /api/mqtt-clients/${name}/secret)`);
    this.name = 'IntegrationClientExistsError';
  }
}
