import { LiveCatalogue } from '@hub/catalogue';
import { Logger, Provider } from '@nestjs/common';
import { type DeviceAreaLookup, UsernameRoutedPolicy } from '@hub/access';
import type { HubConfig } from '@hub/config';
import { DeviceAccessPolicy, DeviceImportService, DeviceRegistryService, DeviceQueryService, RegistryDeviceRepository, DevicePresence, DeviceStateRepository } from '@hub/devices';
import { IntegrationAccessPolicy, IntegrationCredentialCache } from '@hub/integrations';
import { AuditLogRepository, Store } from '@hub/store';
import { DEVICE_AREA_LOOKUP, MQTT_ACCESS_POLICY } from '../hub.tokens';
import { DeviceQueriesController } from './device-queries.controller';
import { DeviceRegistryController } from './device-registry.controller';
import { DeviceMetrics } from './device-metrics';
import { ReadingsService } from './readings.service';

/** Reads (GET, every role) and registry changes (admins) of /api/devices. */
export const DEVICE_CONTROLLERS = [DeviceQueriesController, DeviceRegistryController];

/**
 * The device registry (libs/devices) on the service's database, presence (online, last values), readings from
 * InfluxDB, and the MQTT access policy the broker asks.
 */
export function deviceProviders(config: HubConfig): Provider[] {
  return [
    { provide: DeviceStateRepository, useFactory: (store: Store) => new DeviceStateRepository(store), inject: [Store] },
    {
      provide: DevicePresence,
      useFactory: async (repository: DeviceStateRepository) => {
        const presence = new DevicePresence(repository, new Logger(DevicePresence.name));
        await presence.load({ keepOnline: config.cluster.redis !== null });
        return presence;
      },
      inject: [DeviceStateRepository],
    },
    // Town-scoped views (dead letters, the live stream) ask the device registry where a device is.
    { provide: DEVICE_AREA_LOOKUP, useFactory: (registry: DeviceRegistryService): DeviceAreaLookup => (deviceId) => registry.areaOf(deviceId), inject: [DeviceRegistryService] },
    ReadingsService,
    {
      provide: DeviceRegistryService,
      // Loaded before anything that asks it (the broker's CONNECT answers come from memory).
      useFactory: async (store: Store, audit: AuditLogRepository, catalogue: LiveCatalogue) => {
        const registry = new DeviceRegistryService({ store, repository: new RegistryDeviceRepository(store), audit, catalogue, logger: new Logger(DeviceRegistryService.name) });
        await registry.load();
        return registry;
      },
      inject: [Store, AuditLogRepository, LiveCatalogue],
    },
    { provide: DeviceImportService, useFactory: (registry: DeviceRegistryService) => new DeviceImportService(registry), inject: [DeviceRegistryService] },
    {
      provide: DeviceQueryService,
      useFactory: (registry: DeviceRegistryService, presence: DevicePresence) => new DeviceQueryService(registry, presence),
      inject: [DeviceRegistryService, DevicePresence],
    },
    {
      // Devices by the registry; usernames with a dot are integration clients, whose towns come from the registry too.
      provide: MQTT_ACCESS_POLICY,
      useFactory: (registry: DeviceRegistryService, integrations: IntegrationCredentialCache) =>
        new UsernameRoutedPolicy(new DeviceAccessPolicy(registry, config.devices.admission), new IntegrationAccessPolicy(integrations, (deviceId) => registry.areaOf(deviceId), registry.catalogue)),
      inject: [DeviceRegistryService, IntegrationCredentialCache],
    },
    DeviceMetrics,
  ];
}
