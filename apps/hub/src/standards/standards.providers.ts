import { Logger, type Provider } from '@nestjs/common';
import type { HubConfig } from '@hub/config';
import { AuditLogRepository, Store } from '@hub/store';
import { CountyStandards } from './county-standards';
import { StandardsProfileController } from './standards-profile.controller';
import { StandardsProfileRepository } from './standards-profile.repository';
import { StandardsProfileService } from './standards-profile.service';

export const STANDARDS_CONTROLLERS = [StandardsProfileController];

/** The county's standards profile, settled at boot (before the catalogue and the alert engine are built on it). */
export function standardsProviders(config: HubConfig): Provider[] {
  return [
    {
      provide: CountyStandards,
      useFactory: (store: Store, audit: AuditLogRepository) => CountyStandards.open(store, new StandardsProfileRepository(store), config.standards, audit, new Logger(CountyStandards.name)),
      inject: [Store, AuditLogRepository],
    },
    StandardsProfileService,
  ];
}
