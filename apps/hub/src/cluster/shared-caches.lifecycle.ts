import { BeforeApplicationShutdown, Injectable } from '@nestjs/common';
import { SessionRevocations } from '@hub/broker';
import { CacheCoherence } from '@hub/cluster';

/**
 * Stops following the other nodes before the shutdown closes the database (HubLifecycle): a reload asked from then on
 * would only fail against a closed store and be retried into the void.
 */
@Injectable()
export class SharedCachesLifecycle implements BeforeApplicationShutdown {
  constructor(
    private readonly coherence: CacheCoherence,
    private readonly revocations: SessionRevocations,
  ) {}

  beforeApplicationShutdown(): void {
    this.revocations.close();
    this.coherence.close();
  }
}
