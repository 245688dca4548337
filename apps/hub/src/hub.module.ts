import { DynamicModule, Logger, Module } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import { AccessGuard } from './access/access.guard';
import { RequestShapeInterceptor } from './http/request-shape.interceptor';
import { join } from 'node:path';
import { MqttBroker } from '@hub/broker';
import { HubConfig } from '@hub/config';
import { createLineSink, InfluxQueryClient, LineSink } from '@hub/influx';
import { DevicePresence, DeviceStateRepository, DeviceRegistryService } from '@hub/devices';
import { InfluxAvailability, InfluxWriter, SeqDeduper, SpoolReplayer, IngestService, IngestStats, DeadLetterRepository } from '@hub/pipeline';
import { OutageSpool } from '@hub/spool';
import { openSqliteDatabase, SqliteDatabase } from '@hub/store';
import { CatalogueController } from './catalogue/catalogue.controller';
import { DeadLettersController } from './dead-letters/dead-letters.controller';
import { DevicesController } from './devices/devices.controller';
import { HealthController } from './health/health.controller';
import { IngestStatsController } from './ingest/ingest-stats.controller';
import { LiveEventsController } from './live/live-events.controller';
import { MetricsController } from './health/metrics.controller';
import { HealthService } from './health/health.service';
import { HubMetrics, WriteLatencyMetric } from './health/hub-metrics';
import { Registry } from 'prom-client';
import { ReadingsService } from './devices/readings.service';
import { HubLifecycle } from './hub.lifecycle';
import { ALERT_CONTROLLERS, alertProviders } from './alerts/alert.providers';
import { LiveEventsService } from './live/live-events.service';
import { DEVICE_TOWN_LOOKUP, HUB_CONFIG, LINE_SINK, MQTT_ACCESS_POLICY, SQLITE_DATABASE } from './hub.tokens';
import { MqttClientsController } from './integrations/mqtt-clients.controller';
import { perimeterProviders } from './perimeter/perimeter.providers';
import { MqttPerimeter } from '@hub/perimeter';
import type { Client } from 'aedes';
import { DEVICE_CONTROLLERS, deviceProviders } from './devices/device.providers';
import { type MqttAccessPolicy, DeviceTownLookup } from '@hub/access';
import { ACCESS_CONTROLLERS, accessProviders } from './access/access.providers';

/**
 * Wires the service from one validated config. The libs are plain classes (no Nest in them), so they are built
 * here with factories; controllers and the lifecycle are the only Nest-aware pieces.
 */
@Module({})
export class HubModule {
  static forConfig(config: HubConfig): DynamicModule {
    return {
      module: HubModule,
      imports: [ScheduleModule.forRoot()],
      controllers: [DevicesController, DeadLettersController, HealthController, IngestStatsController, MetricsController, CatalogueController, LiveEventsController, ...ALERT_CONTROLLERS, MqttClientsController, ...DEVICE_CONTROLLERS, ...ACCESS_CONTROLLERS],
      providers: [
        { provide: HUB_CONFIG, useValue: config },
        { provide: APP_GUARD, useClass: AccessGuard },
        // Town-scoped views (dead letters, the live stream) ask the device registry where a device is.
        { provide: DEVICE_TOWN_LOOKUP, useFactory: (registry: DeviceRegistryService): DeviceTownLookup => (deviceId) => registry.townOf(deviceId), inject: [DeviceRegistryService] },
        { provide: APP_INTERCEPTOR, useClass: RequestShapeInterceptor },
        { provide: SQLITE_DATABASE, useFactory: () => openSqliteDatabase(join(config.dataDir, 'hub.sqlite')) },
        {
          provide: DeadLetterRepository,
          useFactory: (db: SqliteDatabase, townOf: DeviceTownLookup) => new DeadLetterRepository(db, config.deadLetters.maxRows, config.deadLetters.maxPayloadBytes, townOf),
          inject: [SQLITE_DATABASE, DEVICE_TOWN_LOOKUP],
        },
        { provide: DeviceStateRepository, useFactory: (db: SqliteDatabase) => new DeviceStateRepository(db), inject: [SQLITE_DATABASE] },
        { provide: LINE_SINK, useFactory: () => createLineSink(config.influx) },
        { provide: InfluxQueryClient, useFactory: () => new InfluxQueryClient(config.influx) },
        { provide: IngestStats, useValue: new IngestStats() },
        { provide: Registry, useValue: new Registry() },
        WriteLatencyMetric,
        HubMetrics,
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
          provide: InfluxWriter,
          useFactory: (
            sink: LineSink,
            stats: IngestStats,
            spool: OutageSpool,
            availability: InfluxAvailability,
            deadLetters: DeadLetterRepository,
            latency: WriteLatencyMetric,
          ) => new InfluxWriter(sink, config.writer, stats, spool, availability, deadLetters.insertMany, new Logger(InfluxWriter.name), latency),
          inject: [LINE_SINK, IngestStats, OutageSpool, InfluxAvailability, DeadLetterRepository, WriteLatencyMetric],
        },
        {
          provide: SpoolReplayer,
          useFactory: (spool: OutageSpool, sink: LineSink, availability: InfluxAvailability, stats: IngestStats, deadLetters: DeadLetterRepository) =>
            new SpoolReplayer(spool, sink, availability, stats, config.spool.replayRate, deadLetters.insertMany, new Logger(SpoolReplayer.name)),
          inject: [OutageSpool, LINE_SINK, InfluxAvailability, IngestStats, DeadLetterRepository],
        },
        { provide: DevicePresence, useFactory: (repository: DeviceStateRepository) => new DevicePresence(repository, new Logger(DevicePresence.name)), inject: [DeviceStateRepository] },
        {
          provide: IngestService,
          useFactory: (writer: InfluxWriter, deadLetters: DeadLetterRepository, presence: DevicePresence, stats: IngestStats, registry: DeviceRegistryService) =>
            new IngestService(config.validation, writer, deadLetters.insertMany, presence, stats, new Logger(IngestService.name), new SeqDeduper(config.seqDedupeWindowMs), (id) =>
              registry.tagsOf(id),
            ),
          inject: [InfluxWriter, DeadLetterRepository, DevicePresence, IngestStats, DeviceRegistryService],
        },
        {
          provide: MqttBroker,
          useFactory: (ingest: IngestService, presence: DevicePresence, policy: MqttAccessPolicy, perimeter: MqttPerimeter<Client>, registry: DeviceRegistryService) => {
            const broker = new MqttBroker(ingest, presence, new Logger(MqttBroker.name), policy, perimeter);
            // The registry ends a device's session when its secret or standing changes.
            registry.useSessions(broker);
            return broker;
          },
          inject: [IngestService, DevicePresence, MQTT_ACCESS_POLICY, MqttPerimeter, DeviceRegistryService],
        },
        ReadingsService,
        HealthService,
        HubLifecycle,
        ...alertProviders(config),
        ...perimeterProviders(config),
        ...accessProviders(config),
        LiveEventsService,
        ...deviceProviders(config),
      ],
    };
  }
}
