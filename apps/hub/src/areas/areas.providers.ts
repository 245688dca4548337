import { Logger, type Provider } from '@nestjs/common';
import { AreaRepository, AreasService, DeviceRegistryService } from '@hub/devices';
import { AuditLogRepository, Store } from '@hub/store';
import { AreasController } from './areas.controller';

export const AREA_CONTROLLERS = [AreasController];

/** The areas registry, wired both ways to the device registry: it checks devices' villages, and counts and moves devices. */
export function areaProviders(): Provider[] {
  return [
    {
      provide: AreasService,
      useFactory: async (store: Store, audit: AuditLogRepository, registry: DeviceRegistryService) => {
        const areas = new AreasService({ store, repository: new AreaRepository(store), audit, logger: new Logger(AreasService.name) });
        await areas.load();
        areas.useDevices(registry);
        registry.useAreas(areas);
        return areas;
      },
      inject: [Store, AuditLogRepository, DeviceRegistryService],
    },
  ];
}
