import { Logger, type Provider } from '@nestjs/common';
import { NetworkServerBridges, type UplinkSink } from '@hub/lorawan';
import { UplinkIngestService } from '@hub/pipeline';
import { AuditLogRepository, Store } from '@hub/store';
import { UPLINK_SINK } from '../hub.tokens';
import { NetworkServerRepository } from './network-server.repository';
import { NetworkServersController } from './network-servers.controller';
import { NetworkServersLifecycle } from './network-servers.lifecycle';
import { NetworkServersService } from './network-servers.service';
import { IngestUplinkSink } from './ingest-uplink.sink';
import { LoRaWanMetrics } from './lorawan-metrics';

export const NETWORK_SERVER_CONTROLLERS = [NetworkServersController];

/** A stop waits this long for the sink's answers to what is in flight; the rest the broker delivers again. */
const STOP_GRACE_MS = 5_000;

/** LoRaWAN network servers (ChirpStack v4 over MQTT): their stored connections, the running bridges, the sink. */
export function networkServerProviders(): Provider[] {
  return [
    { provide: UPLINK_SINK, useFactory: (uplinks: UplinkIngestService): UplinkSink => new IngestUplinkSink(uplinks), inject: [UplinkIngestService] },
    {
      provide: NetworkServerBridges,
      useFactory: (sink: UplinkSink) => new NetworkServerBridges({ sink, logger: new Logger('NetworkServerBridges'), stopGraceMs: STOP_GRACE_MS }),
      inject: [UPLINK_SINK],
    },
    { provide: NetworkServerRepository, useFactory: (store: Store) => new NetworkServerRepository(store), inject: [Store] },
    {
      provide: NetworkServersService,
      useFactory: (store: Store, repository: NetworkServerRepository, audit: AuditLogRepository, bridges: NetworkServerBridges) => new NetworkServersService(store, repository, audit, bridges),
      inject: [Store, NetworkServerRepository, AuditLogRepository, NetworkServerBridges],
    },
    NetworkServersLifecycle,
    LoRaWanMetrics,
  ];
}
