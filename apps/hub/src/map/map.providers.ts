import type { Provider } from '@nestjs/common';
import type { MapSettingsView } from '@hub/api-types';
import type { HubConfig } from '@hub/config';
import { AuditLogRepository, Store } from '@hub/store';
import { AreasService } from '@hub/devices';
import { AreaBoundariesController } from './area-boundaries.controller';
import { AreaBoundariesService } from './area-boundaries.service';
import { AreaBoundaryRepository } from './area-boundary.repository';
import { workerBoundaryFileChecker } from './boundary-file.checker';
import { MAP_SETTINGS, MapSettingsController } from './map-settings.controller';

export const MAP_CONTROLLERS = [AreaBoundariesController, MapSettingsController];

/** The console's map: its settings from the config, and the area boundaries' table and service. */
export function mapProviders(config: HubConfig): Provider[] {
  const settings: MapSettingsView = { tileUrl: config.map.tileUrl, tileAttribution: config.map.tileAttribution, boundariesMaxBytes: config.map.boundariesMaxBytes };
  return [
    { provide: MAP_SETTINGS, useValue: settings },
    { provide: AreaBoundaryRepository, useFactory: (store: Store) => new AreaBoundaryRepository(store), inject: [Store] },
    {
      provide: AreaBoundariesService,
      useFactory: (store: Store, repository: AreaBoundaryRepository, audit: AuditLogRepository, areas: AreasService) =>
        new AreaBoundariesService(store, repository, audit, workerBoundaryFileChecker(), (path) => areas.find(path) !== undefined),
      inject: [Store, AreaBoundaryRepository, AuditLogRepository, AreasService],
    },
  ];
}
