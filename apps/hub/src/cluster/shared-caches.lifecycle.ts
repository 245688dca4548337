import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { SessionRevocations } from '@hub/broker';
import { CacheCoherence } from '@hub/cluster';
import type { HubConfig } from '@hub/config';
import { HUB_CONFIG } from '../hub.tokens';

/**
 * In a cluster, every cache is read once more when the node has started: each loaded itself before the node listened
 * to the others (and before it was registered), so a change another node committed in between would otherwise wait
 * for the next one. Stops following the other nodes before the shutdown closes the database (HubLifecycle): a reload
 * asked from then on would only fail against a closed store.
 */
@Injectable()
export class SharedCachesLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    private readonly coherence: CacheCoherence,
    private readonly revocations: SessionRevocations,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.cluster.redis !== null) await this.coherence.reloadAll('start: other nodes may have committed changes while this one loaded');
  }

  beforeApplicationShutdown(): void {
    this.revocations.close();
    this.coherence.close();
  }
}
