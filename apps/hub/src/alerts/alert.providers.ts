import { LiveCatalogue } from '@hub/catalogue';
import { Logger, Provider } from '@nestjs/common';
import { Registry } from 'prom-client';
import { AlertEngine, PresenceDeviceDirectory } from '@hub/alerts';
import { MqttBroker } from '@hub/broker';
import type { HubConfig } from '@hub/config';
import { InfluxQueryClient } from '@hub/influx';
import { DevicePresence, DeviceRegistryService } from '@hub/devices';
import { Store } from '@hub/store';
import { ALERTS_LEASE, LeaderJobs, LeaderLease } from '@hub/cluster';
import { AlertEvaluationMetric, registerAlertMetrics, registerLeaderMetrics } from './alert-metrics';
import { AlertRulesController } from './alert-rules.controller';
import { AlertSilencesController } from './alert-silences.controller';
import { AlertsController } from './alerts.controller';
import { AlertsLifecycle } from './alerts.lifecycle';
import { ContactPointsNotifier } from '../contact-points/contact-points.notifier';
import { NotificationPoliciesController } from './notification-policies.controller';
import { SchedulerRegistryJobs } from './scheduler-registry.jobs';
import { CountyStandards } from '../standards/county-standards';

export const ALERT_CONTROLLERS = [AlertRulesController, AlertsController, AlertSilencesController, NotificationPoliciesController];

/** The alert engine (plain classes from libs/alerts) built on the service's database, InfluxDB client, presence and broker. */
export function alertProviders(config: HubConfig): Provider[] {
  return [
    SchedulerRegistryJobs,
    AlertEvaluationMetric,
    {
      provide: LeaderLease,
      useFactory: (store: Store) =>
        new LeaderLease(
          store,
          { name: ALERTS_LEASE, nodeId: config.cluster.nodeId, leaseMs: config.cluster.leaderLeaseMs, renewEveryMs: config.cluster.leaderRenewEveryMs },
          new Logger(LeaderLease.name),
        ),
      inject: [Store],
    },
    { provide: LeaderJobs, useFactory: (lease: LeaderLease) => new LeaderJobs(lease, new Logger(LeaderJobs.name)), inject: [LeaderLease] },
    // replaced by contact points at merge
    {
      provide: AlertEngine,
      useFactory: (
        store: Store,
        influx: InfluxQueryClient,
        presence: DevicePresence,
        broker: MqttBroker,
        jobs: SchedulerRegistryJobs,
        registry: Registry,
        listener: AlertEvaluationMetric,
        devices: DeviceRegistryService,
        catalogue: LiveCatalogue,
        contactPoints: ContactPointsNotifier,
        standards: CountyStandards,
        lease: LeaderLease,
      ) => {
        const engine = new AlertEngine(config.alerts, {
          store,
          influx,
          directory: new PresenceDeviceDirectory(presence, (deviceId) => devices.areaOf(deviceId)),
          catalogue,
          publish: (topic, payload, qos, retain) => broker.publish(topic, payload, qos, retain),
          contactPoints,
          jobs,
          loggerFor: (context) => new Logger(context),
          maxFutureMs: config.validation.maxFutureMs,
          timeZone: config.timeZone,
          standardsProfile: standards.current.profile,
          listener,
          leader: lease,
        });
        contactPoints.usePolicyTree(() => engine.notificationPolicies.policies.current());
        contactPoints.useChineseSummaries((ruleId) => engine.summaryInChinese(ruleId));
        registerAlertMetrics(registry, engine.stats, engine.alertRepository, engine.notificationPolicies.deliveryLog.counts);
        registerLeaderMetrics(registry, lease);
        return engine;
      },
      inject: [Store, InfluxQueryClient, DevicePresence, MqttBroker, SchedulerRegistryJobs, Registry, AlertEvaluationMetric, DeviceRegistryService, LiveCatalogue, ContactPointsNotifier, CountyStandards, LeaderLease],
    },
    AlertsLifecycle,
  ];
}
