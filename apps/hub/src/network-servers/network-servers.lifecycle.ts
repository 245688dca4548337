import { BeforeApplicationShutdown, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { NetworkServerBridges } from '@hub/lorawan';
import { NetworkServersService } from './network-servers.service';

/**
 * Bridges start at boot from the stored connections, after HubLifecycle has the pipeline running (providers'
 * hooks run in the order listed). They stop in beforeApplicationShutdown, ahead of every onApplicationShutdown, so
 * the sink answers what is in flight while the pipeline still writes; their sessions stay with the brokers.
 */
@Injectable()
export class NetworkServersLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    private readonly service: NetworkServersService,
    private readonly bridges: NetworkServerBridges,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.bridges.startAll((await this.service.stored()).map((stored) => stored.connection));
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.bridges.stopAll();
  }
}
