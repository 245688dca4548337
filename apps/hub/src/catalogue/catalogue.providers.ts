import type { Provider } from '@nestjs/common';
import { CatalogueRepository, LiveCatalogue } from '@hub/catalogue';
import type { SqliteDatabase } from '@hub/store';
import { SQLITE_DATABASE } from '../hub.tokens';
import { CatalogueController } from './catalogue.controller';
import { CatalogueService } from './catalogue.service';
import { DomainQuery } from './domain-query.pipe';

export const CATALOGUE_CONTROLLERS = [CatalogueController];

/** The catalogue in force (built-ins plus the admins' rows), which ingest, the registry, scopes and rules all ask. */
export function catalogueProviders(): Provider[] {
  return [
    { provide: LiveCatalogue, useFactory: (db: SqliteDatabase) => new LiveCatalogue(new CatalogueRepository(db)), inject: [SQLITE_DATABASE] },
    CatalogueService,
    DomainQuery,
  ];
}
