import { DomainError, DomainErrorKind, DomainIssue } from '@hub/common';

export class DeviceNotFoundError extends DomainError {
  readonly kind: DomainErrorKind = 'not-found';

  constructor(deviceId: string) {
    super(`Unknown device ${deviceId}`, { code: 'device-not-found', params: { id: deviceId } });
    this.name = 'DeviceNotFoundError';
  }
}

/** The device exists but is outside the caller's towns/domains. */
export class DeviceOutOfScopeError extends DomainError {
  readonly kind: DomainErrorKind = 'forbidden';

  constructor(deviceId: string, who: string) {
    super(`Device ${deviceId} is outside the towns and domains ${who} may see`, { code: 'device-out-of-scope', params: { id: deviceId } });
    this.name = 'DeviceOutOfScopeError';
  }
}

export class DeviceConflictError extends DomainError {
  readonly kind: DomainErrorKind = 'conflict';

  constructor(message: string) {
    super(message);
    this.name = 'DeviceConflictError';
  }
}

export class InvalidDeviceError extends DomainError {
  readonly kind: DomainErrorKind = 'invalid';

  constructor(
    message: string,
    override readonly issues: readonly DomainIssue[],
  ) {
    super(message, { code: 'invalid-input' });
    this.name = 'InvalidDeviceError';
  }
}
