import { DomainError } from '@hub/common';

/** A roll-up asked with a bad metric, aggregate or area path (400). */
export class RollupRequestError extends DomainError {
  readonly kind = 'invalid';

  constructor(message: string) {
    super(message);
    this.name = 'RollupRequestError';
  }
}

/** A town or village the area directory does not know (404). */
export class AreaNotFoundError extends DomainError {
  readonly kind = 'not-found';

  constructor(message: string) {
    super(message);
    this.name = 'AreaNotFoundError';
  }
}
