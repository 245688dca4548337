import type { Provider } from '@nestjs/common';
import { LiveCatalogue } from '@hub/catalogue';
import { builtInCatalogueFor } from '@hub/contract';
import { Store } from '@hub/store';
import { CountyStandards } from '../standards/county-standards';
import { CatalogueController } from './catalogue.controller';
import { CatalogueService } from './catalogue.service';
import { DomainQuery } from './domain-query.pipe';

export const CATALOGUE_CONTROLLERS = [CatalogueController];

/**
 * The catalogue in force (built-ins as the county's standards profile has them, plus the admins' rows), which ingest,
 * the registry, scopes and rules all ask.
 */
export function catalogueProviders(): Provider[] {
  return [
    {
      provide: LiveCatalogue,
      useFactory: (store: Store, standards: CountyStandards) => LiveCatalogue.load(store, builtInCatalogueFor(standards.current.profile)),
      inject: [Store, CountyStandards],
    },
    CatalogueService,
    DomainQuery,
  ];
}
