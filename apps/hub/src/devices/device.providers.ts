import { Logger, Provider } from '@nestjs/common';
import { UsernameRoutedPolicy } from '@hub/access';
import type { HubConfig } from '@hub/config';
import { DeviceAccessPolicy, DeviceImportService, DeviceRegistryService, DeviceQueryService, RegistryDeviceRepository, DevicePresence } from '@hub/devices';
import { IntegrationAccessPolicy, IntegrationClientRepository } from '@hub/integrations';
import { AuditLogRepository, SqliteDatabase } from '@hub/store';
import { MQTT_ACCESS_POLICY, SQLITE_DATABASE } from '../hub.tokens';
import { DeviceRegistryController } from './device-registry.controller';
import { DeviceMetrics } from './device-metrics';

export const DEVICE_CONTROLLERS = [DeviceRegistryController];

/** The device registry (libs/devices) on the service's database, and the MQTT access policy the broker asks. */
export function deviceProviders(config: HubConfig): Provider[] {
  return [
    {
      provide: DeviceRegistryService,
      useFactory: (db: SqliteDatabase, audit: AuditLogRepository) =>
        new DeviceRegistryService({ repository: new RegistryDeviceRepository(db), audit, logger: new Logger(DeviceRegistryService.name) }),
      inject: [SQLITE_DATABASE, AuditLogRepository],
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
      useFactory: (registry: DeviceRegistryService, integrations: IntegrationClientRepository) =>
        new UsernameRoutedPolicy(new DeviceAccessPolicy(registry, config.devices.admission), new IntegrationAccessPolicy(integrations, (deviceId) => registry.townOf(deviceId))),
      inject: [DeviceRegistryService, IntegrationClientRepository],
    },
    DeviceMetrics,
  ];
}
