import { DomainError, type DomainErrorKind } from '@hub/common';

export class CommandNotFoundError extends DomainError {
  readonly kind: DomainErrorKind = 'not-found';

  constructor(deviceId: string, commandId: string) {
    super(`Device ${deviceId} has no command ${commandId}`, { code: 'command-not-found', params: { id: commandId } });
    this.name = 'CommandNotFoundError';
  }
}
