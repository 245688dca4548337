import { Logger, type Provider } from '@nestjs/common';
import type { HubConfig } from '@hub/config';
import { AuditLogRepository, type SqliteDatabase } from '@hub/store';
import { SQLITE_DATABASE } from '../hub.tokens';
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
      useFactory: (db: SqliteDatabase, audit: AuditLogRepository) => new CountyStandards(new StandardsProfileRepository(db), config.standards, audit, new Logger(CountyStandards.name)),
      inject: [SQLITE_DATABASE, AuditLogRepository],
    },
    StandardsProfileService,
  ];
}
