import { LiveCatalogue } from '@hub/catalogue';
import { Logger, Provider } from '@nestjs/common';
import type { Client } from 'aedes';
import { join } from 'node:path';
import type { MqttAccessPolicy } from '@hub/access';
import { MqttBroker } from '@hub/broker';
import type { HubConfig } from '@hub/config';
import { DevicePresence, DeviceRegistryService } from '@hub/devices';
import type { LineSink } from '@hub/influx';
import { MqttPerimeter } from '@hub/perimeter';
import {
  type PayloadDecoding,
  type ReplaySource,
  DeadLetterWriter,
  HttpIngestService,
  UplinkIngestService,
  InfluxAvailability,
  InfluxWriter,
  IngestService,
  IngestStats,
  localBatchSpool,
  localReplaySource,
  SeqDeduper,
  SharedBatchSpool,
  SharedReplaySource,
  SharedSpoolRepository,
  SpoolReplayer,
} from '@hub/pipeline';
import { ProfileBook } from '@hub/profiles';
import { OutageSpool } from '@hub/spool';
import { Store } from '@hub/store';
import { WriteLatencyMetric } from '../health/hub-metrics';
import { LINE_SINK, MQTT_ACCESS_POLICY, SHARED_SPOOL, SHARED_SPOOL_REPLAY } from '../hub.tokens';
import { IngestStatsController } from './ingest-stats.controller';
import { DeviceLoginGuard } from './device-login.guard';
import { HttpIngestController } from './http-ingest.controller';
import { HttpIngestHandler } from './http-ingest.handler';
import { ThingsStackWebhookController } from './things-stack-webhook.controller';

export const INGEST_CONTROLLERS = [IngestStatsController, HttpIngestController, ThingsStackWebhookController];

/** The way in for readings: the MQTT broker, validation, the InfluxDB writer, and the spool that covers its outages. */
export function ingestProviders(config: HubConfig): Provider[] {
  return [
    { provide: IngestStats, useValue: new IngestStats() },
    { provide: InfluxAvailability, useValue: new InfluxAvailability(config.writer.retryMinMs, config.writer.retryMaxMs) },
    {
      provide: OutageSpool,
      useFactory: async (stats: IngestStats) => {
        const spool = await OutageSpool.open(join(config.dataDir, 'spool'), config.spool, new Logger(OutageSpool.name));
        // Readings an earlier run acknowledged and spooled: accounted as recovered, replayed like any others.
        stats.recovered = stats.spooled = spool.pendingReadings;
        return spool;
      },
      inject: [IngestStats],
    },
    {
      // On any PostgreSQL hub (one node or a cluster): batches InfluxDB has not confirmed go to the shared spool table,
      // which every node replays, so a dead node's batches do not wait on its disk. SQLite hubs: the local spool only.
      provide: SHARED_SPOOL,
      useFactory: (store: Store) => (store.dialect === 'postgres' ? new SharedSpoolRepository(store) : null),
      inject: [Store],
    },
    {
      provide: SHARED_SPOOL_REPLAY,
      useFactory: (shared: SharedSpoolRepository | null) =>
        shared === null ? null : new SharedReplaySource(shared, config.cluster.nodeId, config.spool.claimLeaseMs, new Logger(SharedReplaySource.name)),
      inject: [SHARED_SPOOL],
    },
    {
      provide: InfluxWriter,
      useFactory: (
        sink: LineSink,
        stats: IngestStats,
        local: OutageSpool,
        shared: SharedSpoolRepository | null,
        availability: InfluxAvailability,
        deadLetters: DeadLetterWriter,
        latency: WriteLatencyMetric,
      ) => {
        // The local fsync'd spool stays the last resort when PostgreSQL cannot take a batch.
        const spool = shared === null ? localBatchSpool(local) : new SharedBatchSpool(shared, config.cluster.nodeId, localBatchSpool(local), new Logger(SharedBatchSpool.name));
        return new InfluxWriter(sink, config.writer, stats, spool, availability, (letters) => deadLetters.record(letters), new Logger(InfluxWriter.name), latency);
      },
      inject: [LINE_SINK, IngestStats, OutageSpool, SHARED_SPOOL, InfluxAvailability, DeadLetterWriter, WriteLatencyMetric],
    },
    {
      provide: SpoolReplayer,
      useFactory: (local: OutageSpool, shared: SharedReplaySource | null, sink: LineSink, availability: InfluxAvailability, stats: IngestStats, deadLetters: DeadLetterWriter) => {
        const sources: ReplaySource[] = shared === null ? [localReplaySource(local)] : [localReplaySource(local), shared];
        return new SpoolReplayer(sources, sink, availability, stats, config.spool.replayRate, (letters) => deadLetters.record(letters), new Logger(SpoolReplayer.name));
      },
      inject: [OutageSpool, SHARED_SPOOL_REPLAY, LINE_SINK, InfluxAvailability, IngestStats, DeadLetterWriter],
    },
    {
      provide: IngestService,
      useFactory: (
        writer: InfluxWriter,
        deadLetters: DeadLetterWriter,
        presence: DevicePresence,
        stats: IngestStats,
        registry: DeviceRegistryService,
        catalogue: LiveCatalogue,
        profiles: ProfileBook,
      ) =>
        new IngestService(
          config.validation,
          catalogue,
          writer,
          (letters) => deadLetters.record(letters),
          presence,
          stats,
          new Logger(IngestService.name),
          new SeqDeduper(config.seqDedupeWindowMs),
          (id) => registry.tagsOf(id),
          profileDecoding(registry, profiles),
        ),
      inject: [InfluxWriter, DeadLetterWriter, DevicePresence, IngestStats, DeviceRegistryService, LiveCatalogue, ProfileBook],
    },
    {
      // The same access policy and failed-login back-off as MQTT, the same pipeline, the same writer's room.
      provide: HttpIngestService,
      useFactory: (policy: MqttAccessPolicy, perimeter: MqttPerimeter<Client>, ingest: IngestService, writer: InfluxWriter) =>
        new HttpIngestService(policy, perimeter, ingest, writer, config.validation.maxPayloadBytes),
      inject: [MQTT_ACCESS_POLICY, MqttPerimeter, IngestService, InfluxWriter],
    },
    HttpIngestHandler,
    DeviceLoginGuard,
    {
      // Network servers' events (ChirpStack over MQTT, The Things Stack webhooks) into the same pipeline, by DevEUI.
      provide: UplinkIngestService,
      useFactory: (ingest: IngestService, registry: DeviceRegistryService) =>
        new UplinkIngestService(ingest, registry, new Logger(UplinkIngestService.name), config.devices.admission),
      inject: [IngestService, DeviceRegistryService],
    },
    {
      provide: MqttBroker,
      // The registry ends a device's session through SessionRevocations (cluster/shared-caches.providers.ts), on every node.
      useFactory: (ingest: IngestService, presence: DevicePresence, policy: MqttAccessPolicy, perimeter: MqttPerimeter<Client>) =>
        new MqttBroker(ingest, presence, new Logger(MqttBroker.name), policy, perimeter),
      inject: [IngestService, DevicePresence, MQTT_ACCESS_POLICY, MqttPerimeter],
    },
  ];
}

/** A registered device's profile decoder: an in-memory lookup per message (registry, then the profile book). */
function profileDecoding(registry: DeviceRegistryService, profiles: ProfileBook): PayloadDecoding {
  return {
    decoderOf: (deviceId) => {
      const profileId = registry.find(deviceId)?.profileId ?? null;
      return profileId === null ? null : (profiles.decoderFor(profileId) ?? { missing: profileId });
    },
  };
}
