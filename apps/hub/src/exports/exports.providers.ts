import type { Provider } from '@nestjs/common';
import { Registry } from 'prom-client';
import type { DeviceAreaLookup } from '@hub/access';
import { AlertEngine } from '@hub/alerts';
import { LiveCatalogue } from '@hub/catalogue';
import type { HubConfig } from '@hub/config';
import { DeviceQueryService } from '@hub/devices';
import { InfluxQueryClient } from '@hub/influx';
import { DeadLetterRepository } from '@hub/pipeline';
import { AuditLogRepository, Store } from '@hub/store';
import type { ExportAudit } from './export-audit';
import { AREA_DIRECTORY, type AreaDirectory } from '../areas/area-directory';
import { DEVICE_AREA_LOOKUP } from '../hub.tokens';
import { DownsamplingService } from '../retention/downsampling.service';
import { ExportMetrics } from './export-metrics';
import { ExportsController } from './exports.controller';
import { ExportsService } from './exports.service';
import { INFLUX_CHUNK_ROWS, ReadingsExportService } from './readings-export.service';

export const EXPORT_CONTROLLERS = [ExportsController];

/** CSV exports: readings streamed from InfluxDB, alerts and dead letters paged from SQLite. */
export function exportProviders(config: HubConfig): Provider[] {
  return [
    {
      provide: ExportsService,
      useFactory: (
        influx: InfluxQueryClient,
        devices: DeviceQueryService,
        areas: AreaDirectory,
        catalogue: LiveCatalogue,
        auditLog: AuditLogRepository,
        engine: AlertEngine,
        deadLetters: DeadLetterRepository,
        areaOf: DeviceAreaLookup,
        registry: Registry,
        stored: DownsamplingService,
        store: Store,
      ) => {
        const audit: ExportAudit = { record: (entry) => auditLog.record(entry, store.db) };
        return new ExportsService({
          readings: new ReadingsExportService({
            device: (principal, id) => devices.get(principal, id),
            areas,
            catalogue,
            stream: (influxql, signal) => influx.stream(influxql, { chunkSize: INFLUX_CHUNK_ROWS, signal }),
            stored,
            audit,
            timeZone: config.timeZone,
          }),
          alerts: engine.workflow,
          deadLetters,
          areaOf,
          audit,
          timeZone: config.timeZone,
          metrics: new ExportMetrics(registry),
        });
      },
      inject: [InfluxQueryClient, DeviceQueryService, AREA_DIRECTORY, LiveCatalogue, AuditLogRepository, AlertEngine, DeadLetterRepository, DEVICE_AREA_LOOKUP, Registry, DownsamplingService, Store],
    },
  ];
}
