import { Logger, type Provider } from '@nestjs/common';
import { AlertEngine } from '@hub/alerts';
import { OperatorDirectory } from '@hub/access';
import { MqttBroker, type RevokedCredentials, SessionRevocations } from '@hub/broker';
import { LiveCatalogue } from '@hub/catalogue';
import { CacheCoherence, type ClusterBus, type CoherentCache } from '@hub/cluster';
import { DeviceCommandsService, DeviceConfigService } from '@hub/commands';
import { builtInCatalogueFor } from '@hub/contract';
import { AreasService, DeviceRegistryService } from '@hub/devices';
import { IntegrationCredentialCache } from '@hub/integrations';
import { DownsampleState } from '@hub/pipeline';
import { DeviceProfileRepository, ProfileBook } from '@hub/profiles';
import { ContactPointDirectory } from '../contact-points/contact-point.directory';
import { PersonalNotificationsService } from '../contact-points/personal-notifications.service';
import { CLUSTER_BUS } from '../hub.tokens';
import { StoredMessageTemplates } from '../notification-templates/stored-message-templates';
import { SharedCachesLifecycle } from './shared-caches.lifecycle';
import { CountyStandards } from '../standards/county-standards';

/** The caches that hold credentials, which a revocation reads again before it closes connections. */
export class CredentialCaches {
  constructor(
    readonly devices: CoherentCache,
    readonly integrations: CoherentCache,
  ) {}

  async refresh(revoked: RevokedCredentials): Promise<void> {
    const devices = [...(revoked.devices ?? []), ...(revoked.deletedDevices ?? [])];
    await Promise.all([devices.length > 0 ? this.devices.refresh(devices) : undefined, revoked.integrations?.length ? this.integrations.refresh(revoked.integrations) : undefined]);
  }
}

/**
 * Every in-memory copy of shared rows, registered with CacheCoherence under the name all nodes know it by: each is
 * told of this node's commits (shareChanges) and reloads on the others' (issue 21). What is not listed here is read
 * from the database on each use (sessions, API keys, operators at login) or is this node's own (presence, perimeter).
 */
export function sharedCacheProviders(): Provider[] {
  return [
    {
      provide: CacheCoherence,
      useFactory: (bus: ClusterBus) => new CacheCoherence(bus, new Logger(CacheCoherence.name)),
      inject: [CLUSTER_BUS],
    },
    {
      provide: CredentialCaches,
      useFactory: (
        coherence: CacheCoherence,
        registry: DeviceRegistryService,
        integrations: IntegrationCredentialCache,
        areas: AreasService,
        operators: OperatorDirectory,
        contactPoints: ContactPointDirectory,
        templates: StoredMessageTemplates,
        book: ProfileBook,
        profiles: DeviceProfileRepository,
        catalogue: LiveCatalogue,
        standards: CountyStandards,
        personal: PersonalNotificationsService,
        engine: AlertEngine,
        commands: DeviceCommandsService,
        config: DeviceConfigService,
        downsampling: DownsampleState,
      ) => {
        const devices = coherence.register('devices', registry);
        registry.shareChanges(devices);
        const credentials = coherence.register('integration-clients', integrations);
        integrations.shareChanges(credentials);
        areas.shareChanges(coherence.register('areas', areas));
        operators.shareChanges(coherence.register('operators', operators));
        contactPoints.shareChanges(coherence.register('contact-points', contactPoints));
        templates.shareChanges(coherence.register('message-templates', templates));
        book.shareChanges(
          coherence.register('device-profiles', {
            readAll: async () => {
              const all = await profiles.loadAll();
              return () => book.replaceAll(all);
            },
            readKeys: async (ids) => {
              const read = await Promise.all(ids.map(async (id) => [id, await profiles.find(id)] as const));
              return () => read.forEach(([id, profile]) => book.follow(id, profile));
            },
          }),
        );
        catalogue.shareChanges(coherence.register('catalogue', catalogue));
        standards.shareChanges(coherence.register('standards-profile', { readAll: () => standards.readAll((stored) => catalogue.useBuiltIns(builtInCatalogueFor(stored.profile))) }));
        personal.shareChanges(coherence.register('personal-notifications', personal));
        const policies = engine.notificationPolicies.policies;
        policies.shareChanges(coherence.register('notification-policies', policies));
        engine.shareRuleChanges(coherence.register('alert-rules', { readAll: () => engine.readRules() }));
        commands.shareChanges(coherence.register('device-commands', commands));
        config.shareChanges(coherence.register('device-config', config));
        downsampling.shareChanges(coherence.register('downsample-state', downsampling));
        return new CredentialCaches(devices, credentials);
      },
      inject: [
        CacheCoherence,
        DeviceRegistryService,
        IntegrationCredentialCache,
        AreasService,
        OperatorDirectory,
        ContactPointDirectory,
        StoredMessageTemplates,
        ProfileBook,
        DeviceProfileRepository,
        LiveCatalogue,
        CountyStandards,
        PersonalNotificationsService,
        AlertEngine,
        DeviceCommandsService,
        DeviceConfigService,
        DownsampleState,
      ],
    },
    {
      // The registry ends sessions through it (here and on every node), integration clients too (integrations.providers.ts).
      provide: SessionRevocations,
      useFactory: (broker: MqttBroker, bus: ClusterBus, caches: CredentialCaches, registry: DeviceRegistryService) => {
        const revocations = new SessionRevocations(broker, bus, (revoked) => caches.refresh(revoked), new Logger(SessionRevocations.name));
        registry.useSessions(revocations);
        broker.useLoginGate(revocations);
        return revocations;
      },
      inject: [MqttBroker, CLUSTER_BUS, CredentialCaches, DeviceRegistryService],
    },
    SharedCachesLifecycle,
  ];
}
