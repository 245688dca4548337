import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import type { ClusterBus } from '@hub/cluster';
import type { HubConfig } from '@hub/config';
import { DevicePresence, DeviceStateRepository } from '@hub/devices';
import { CLUSTER_BUS, HUB_CONFIG } from '../hub.tokens';
import { ClusterPresence } from './cluster-presence';

/**
 * Runs ClusterPresence on a node of a cluster (nothing on a single node: its presence is its own). Started when built,
 * before the broker takes connections. At shutdown only its timers stop: the broker's closing disconnections are
 * still announced (the bus closes last), so the other nodes need not wait for this node's silence.
 */
@Injectable()
export class ClusterPresenceService implements OnApplicationShutdown {
  readonly cluster: ClusterPresence | null;

  constructor(@Inject(HUB_CONFIG) config: HubConfig, @Inject(CLUSTER_BUS) bus: ClusterBus, presence: DevicePresence, repository: DeviceStateRepository) {
    this.cluster = config.cluster.redis === null ? null : new ClusterPresence(bus, presence, repository, new Logger(ClusterPresence.name));
    this.cluster?.start();
  }

  onApplicationShutdown(): void {
    this.cluster?.stopTimers();
  }
}
