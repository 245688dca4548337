import { DynamicModule, Logger, Module, Provider } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import { join } from 'node:path';
import { type ClusterBus, LocalBus, RedisBus, redisOptions } from '@hub/cluster';
import type { HubConfig } from '@hub/config';
import { InfluxQueryClient } from '@hub/influx';
import { type DataFolderLock, openSqliteDatabase, type SqliteDatabase, SQLITE_FILE, Store } from '@hub/store';
import { ACCESS_CONTROLLERS, accessProviders } from './access/access.providers';
import { AccessGuard } from './access/access.guard';
import { ALERT_CONTROLLERS, alertProviders } from './alerts/alert.providers';
import { AREA_ROLLUP_CONTROLLERS, areaRollupProviders } from './areas/area-rollup.providers';
import { AREA_CONTROLLERS, areaProviders } from './areas/areas.providers';
import { CATALOGUE_CONTROLLERS, catalogueProviders } from './catalogue/catalogue.providers';
import { sharedCacheProviders } from './cluster/shared-caches.providers';
import { CONTACT_POINT_CONTROLLERS, contactPointProviders } from './contact-points/contact-points.providers';
import { NOTIFICATION_TEMPLATE_CONTROLLERS, notificationTemplateProviders } from './notification-templates/notification-templates.providers';
import { COMMAND_CONTROLLERS, commandProviders } from './commands/commands.providers';
import { dataLifecycleProviders } from './data-lifecycle/data-lifecycle.providers';
import { DEAD_LETTER_CONTROLLERS, deadLetterProviders } from './dead-letters/dead-letters.providers';
import { DEVICE_CONTROLLERS, deviceProviders } from './devices/device.providers';
import { EXPORT_CONTROLLERS, exportProviders } from './exports/exports.providers';
import { HEALTH_CONTROLLERS, healthProviders } from './health/health.providers';
import { RequestShapeInterceptor } from './http/request-shape.interceptor';
import { HubLifecycle } from './hub.lifecycle';
import { CLUSTER_BUS, DATA_FOLDER_LOCK, HUB_CONFIG, SQLITE_DATABASE } from './hub.tokens';
import { INGEST_CONTROLLERS, ingestProviders } from './ingest/ingest.providers';
import { INTEGRATION_CONTROLLERS, integrationProviders } from './integrations/integrations.providers';
import { LIVE_CONTROLLERS, liveProviders } from './live/live.providers';
import { MAP_CONTROLLERS, mapProviders } from './map/map.providers';
import { REPORT_CONTROLLERS, reportProviders } from './reports/reports.providers';
import { PROFILE_CONTROLLERS, profileProviders } from './profiles/profiles.providers';
import { retentionProviders } from './retention/retention.providers';
import { NETWORK_SERVER_CONTROLLERS, networkServerProviders } from './network-servers/network-servers.providers';
import { OVERVIEW_CONTROLLERS, overviewProviders } from './overview/overview.providers';
import { perimeterProviders } from './perimeter/perimeter.providers';
import { STANDARDS_CONTROLLERS, standardsProviders } from './standards/standards.providers';

/**
 * Wires the service from one validated config: the shared infrastructure, then one provider list per feature folder.
 * The libs are plain classes (no Nest in them), built by factories; controllers and the lifecycle are the only
 * Nest-aware pieces. Features are provider arrays in one module rather than Nest modules of their own: they share
 * most of their pieces (the registry serves ingest, the broker, devices, dead letters and alerts), and one container
 * needs no exports/imports lists to keep in step, nor forwardRef between features that depend on each other.
 */
@Module({})
export class HubModule {
  /** `dataFolder`: the lock on HUB_DATA_DIR, taken before anything in the folder is opened (main.ts). */
  static forConfig(config: HubConfig, dataFolder: DataFolderLock): DynamicModule {
    return {
      module: HubModule,
      imports: [ScheduleModule.forRoot()],
      controllers: [
        ...DEVICE_CONTROLLERS,
        ...AREA_CONTROLLERS,
        ...DEAD_LETTER_CONTROLLERS,
        ...HEALTH_CONTROLLERS,
        ...INGEST_CONTROLLERS,
        ...CATALOGUE_CONTROLLERS,
        ...PROFILE_CONTROLLERS,
        ...LIVE_CONTROLLERS,
        ...ALERT_CONTROLLERS,
        ...INTEGRATION_CONTROLLERS,
        ...ACCESS_CONTROLLERS,
        ...COMMAND_CONTROLLERS,
        ...NETWORK_SERVER_CONTROLLERS,
        ...CONTACT_POINT_CONTROLLERS,
        ...NOTIFICATION_TEMPLATE_CONTROLLERS,
        ...STANDARDS_CONTROLLERS,
        ...AREA_ROLLUP_CONTROLLERS,
        ...OVERVIEW_CONTROLLERS,
        ...MAP_CONTROLLERS,
        ...REPORT_CONTROLLERS,
        ...EXPORT_CONTROLLERS,
      ],
      providers: [
        ...infrastructureProviders(config, dataFolder),
        ...retentionProviders(config),
        HubLifecycle,
        ...standardsProviders(config),
        ...catalogueProviders(),
        ...profileProviders(),
        ...ingestProviders(config),
        ...deviceProviders(config),
        ...areaRollupProviders(config),
        ...areaProviders(),
        ...deadLetterProviders(config),
        ...healthProviders(),
        ...alertProviders(config),
        ...perimeterProviders(config),
        ...integrationProviders(),
        ...accessProviders(config),
        ...commandProviders(),
        ...contactPointProviders(config),
        ...notificationTemplateProviders(config),
        ...overviewProviders(),
        ...mapProviders(config),
        ...reportProviders(config),
        ...dataLifecycleProviders(config),
        ...exportProviders(config),
        // Every node's copies of shared rows kept in step with the others' commits; revocations closed on every node.
        ...sharedCacheProviders(),
        // After HubLifecycle and the ingest providers: bridges start once the pipeline runs.
        ...networkServerProviders(),
        // Last, as before the split into features: providers' lifecycle hooks are called in the order listed.
        ...liveProviders(),
      ],
    };
  }
}

/** What every feature stands on: the config, the database, InfluxDB queries (writes: LINE_SINK, retentionProviders), and the guard and request checks of every route. */
function infrastructureProviders(config: HubConfig, dataFolder: DataFolderLock): Provider[] {
  return [
    { provide: HUB_CONFIG, useValue: config },
    { provide: APP_GUARD, useClass: AccessGuard },
    { provide: APP_INTERCEPTOR, useClass: RequestShapeInterceptor },
    // Held for the life of the process (the kernel drops it when the process ends, however it ends).
    { provide: DATA_FOLDER_LOCK, useValue: dataFolder },
    // The embedded database, unless the shared state is in PostgreSQL (HUB_DATABASE_URL): then there is none.
    { provide: SQLITE_DATABASE, useFactory: () => (config.databaseUrl === null ? openSqliteDatabase(join(config.dataDir, SQLITE_FILE)) : null), inject: [DATA_FOLDER_LOCK] },
    {
      provide: Store,
      useFactory: async (db: SqliteDatabase | null) => {
        const store = db !== null ? Store.sqlite(db) : await Store.postgres(config.databaseUrl as string, { applicationName: `county-sensing-hub/${config.cluster.nodeId}` });
        const logger = new Logger('Store');
        store.reportAfterCommit = (error) => logger.error({ msg: 'A committed change could not update what is kept in memory', error });
        return store;
      },
      inject: [SQLITE_DATABASE],
    },
    { provide: InfluxQueryClient, useFactory: () => new InfluxQueryClient(config.influx) },
    {
      provide: CLUSTER_BUS,
      useFactory: (): ClusterBus => {
        const { nodeId, redis } = config.cluster;
        const logger = new Logger('ClusterBus');
        // Not awaited: a node whose Redis is down still starts (and says so); messages wait for the connection.
        return redis === null ? new LocalBus(nodeId, logger) : new RedisBus(nodeId, redisOptions(redis, `${nodeId}:bus`), logger);
      },
    },
  ];
}
