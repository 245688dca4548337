import { Logger, Provider } from '@nestjs/common';
import { UsernameRoutedPolicy } from '../../../../libs/access/src/username-routed.policy';
import type { HubConfig } from '../../../../libs/config/src';
import { DeviceAccessPolicy } from '../../../../libs/devices/src/device-access.policy';
import { DeviceImportService } from '../../../../libs/devices/src/device-import.service';
import { DeviceRegistryService } from '../../../../libs/devices/src/device-registry.service';
import { DeviceQueryService } from '../../../../libs/devices/src/device-view';
import { RegistryDeviceRepository } from '../../../../libs/devices/src/registry-device.repository';
import { DevicePresence } from '../../../../libs/pipeline/src/device-presence';
import { IntegrationAccessPolicy } from '../../../../libs/integrations/src/integration-access.policy';
import { IntegrationClientRepository } from '../../../../libs/integrations/src/integration-client.repository';
import { AuditLogRepository, SqliteDatabase } from '../../../../libs/store/src';
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
