import { DomainError } from '@hub/common';

export class ProfileNotFoundError extends DomainError {
  readonly kind = 'not-found' as const;

  constructor(readonly profileId: string) {
    super(`No device profile ${JSON.stringify(profileId)}`, { code: 'profile-not-found', params: { id: profileId } });
  }
}

export class ProfileConflictError extends DomainError {
  readonly kind = 'conflict' as const;
}
