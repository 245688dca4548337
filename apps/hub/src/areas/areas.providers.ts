import { Logger, type Provider } from '@nestjs/common';
import { AreaRepository, AreasService, DeviceRegistryService } from '@hub/devices';
import { AuditLogRepository, type SqliteDatabase } from '@hub/store';
import { SQLITE_DATABASE } from '../hub.tokens';
import { AreasController } from './areas.controller';

export const AREA_CONTROLLERS = [AreasController];

/** The areas registry, wired both ways to the device registry: it checks devices' villages, and counts and moves devices. */
export function areaProviders(): Provider[] {
  return [
    {
      provide: AreasService,
      useFactory: (db: SqliteDatabase, audit: AuditLogRepository, registry: DeviceRegistryService) => {
        const areas = new AreasService({ repository: new AreaRepository(db), audit, logger: new Logger(AreasService.name) });
        areas.useDevices(registry);
        registry.useAreas(areas);
        return areas;
      },
      inject: [SQLITE_DATABASE, AuditLogRepository, DeviceRegistryService],
    },
  ];
}
