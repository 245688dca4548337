import { Logger, ServiceUnavailableException, type Provider } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { Counter, Registry } from 'prom-client';
import { LiveCatalogue } from '@hub/catalogue';
import type { HubConfig } from '@hub/config';
import { DeviceRegistryService } from '@hub/devices';
import { InfluxQueryClient, type InfluxSeries } from '@hub/influx';
import { ContactPointSender } from '@hub/notify';
import { AuditLogRepository, Store } from '@hub/store';
import { AREA_DIRECTORY, type AreaDirectory } from '../areas/area-directory';
import { parseAreaPath } from '../areas/area-path';
import { ContactPointDirectory } from '../contact-points/contact-point.directory';
import { DownsamplingService } from '../retention/downsampling.service';
import { ReportGenerator } from './report-generator';
import { ReportRunner } from './report-runner';
import { ReportRepository } from './report.repository';
import { ReportsController } from './reports.controller';
import { ReportsLifecycle } from './reports.lifecycle';
import { LeaderJobs } from '@hub/cluster';
import { ReportsService } from './reports.service';

export const REPORT_CONTROLLERS = [ReportsController];

/** Scheduled reports: definitions and runs in the store, figures from the registry, the alert store and InfluxDB, emails through the contact points. */
export function reportProviders(config: HubConfig): Provider[] {
  return [
    { provide: ReportRepository, useFactory: (store: Store) => new ReportRepository(store), inject: [Store] },
    {
      provide: ReportRunner,
      useFactory: (repository: ReportRepository, registry: DeviceRegistryService, catalogue: LiveCatalogue, influx: InfluxQueryClient, points: ContactPointDirectory, sender: ContactPointSender, metrics: Registry, stored: DownsamplingService) => {
        const counter = new Counter({ name: 'hub_reports_total', help: 'Scheduled and manual reports: made, failed (retried at the next check), emails delivered and delivery failures', labelNames: ['event'], registers: [metrics] });
        const generator = new ReportGenerator({ devices: () => registry.list(), catalogue, query: (influxql) => queryOr503(influx, influxql), alerts: (area, domain, start, end) => repository.alerts(area, domain, start, end),
          rawPolicy: () => stored.rawPolicy,
        });
        return new ReportRunner({
          repository,
          figures: (spec, period) => generator.figures(spec, period),
          contactPoint: (name) => points.find(name)?.point,
          sendDocument: (point, document) => sender.sendDocument(point, document),
          timeZone: config.timeZone,
          publicUrl: config.http.publicUrl,
          logger: new Logger(ReportRunner.name),
          count: (event) => counter.inc({ event }),
          rawKeepMs: config.influx.api === 'v1' ? config.retention.keepMs.raw : null,
        });
      },
      inject: [ReportRepository, DeviceRegistryService, LiveCatalogue, InfluxQueryClient, ContactPointDirectory, ContactPointSender, Registry, DownsamplingService],
    },
    {
      provide: ReportsService,
      useFactory: (store: Store, repository: ReportRepository, runner: ReportRunner, catalogue: LiveCatalogue, points: ContactPointDirectory, audit: AuditLogRepository, areas: AreaDirectory) =>
        new ReportsService(
          store,
          repository,
          runner,
          {
            hasDomain: (domain) => catalogue.current().hasDomain(domain),
            domains: () => catalogue.current().domains(),
            areaExists: (path) => {
              const area = parseAreaPath(path);
              return area !== undefined && areas.exists(area);
            },
            contactPointKind: (name) => points.find(name)?.point.kind,
          },
          audit,
          config.timeZone,
        ),
      inject: [Store, ReportRepository, ReportRunner, LiveCatalogue, ContactPointDirectory, AuditLogRepository, AREA_DIRECTORY],
    },
    {
      provide: ReportsLifecycle,
      useFactory: (runner: ReportRunner, registry: SchedulerRegistry, leaderJobs: LeaderJobs) => new ReportsLifecycle(runner, registry, config.reports.checkIntervalMs, leaderJobs),
      inject: [ReportRunner, SchedulerRegistry, LeaderJobs],
    },
  ];
}

/** InfluxDB down or refusing: "run now" answers a 503 saying so; the scheduled check retries the period later. */
async function queryOr503(influx: InfluxQueryClient, influxql: string): Promise<InfluxSeries[]> {
  try {
    return await influx.query(influxql);
  } catch (error) {
    throw new ServiceUnavailableException(`InfluxDB query failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}
