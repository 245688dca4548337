import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { LiveCatalogue } from '@hub/catalogue';
import { domainChoices } from '@hub/contract';
import { badParam } from '../http/query-params';

/**
 * `?domain=`: one of the catalogue's domains at the time of the request (admins add domains at run time, so no
 * fixed list can say it). Used as a class, `@Query('domain', DomainQuery)`, so Nest hands it the live catalogue.
 */
@Injectable()
export class DomainQuery implements PipeTransform<string | undefined, string | undefined> {
  constructor(private readonly catalogue: LiveCatalogue) {}

  transform(value: string | undefined, metadata: ArgumentMetadata): string | undefined {
    if (value === undefined || value === '') return undefined;
    const catalogue = this.catalogue.current();
    if (!catalogue.hasDomain(value)) throw badParam(String(metadata.data), value, domainChoices(catalogue));
    return value;
  }
}

/** How OpenAPI describes a domain: a string, since the list is the live catalogue's (GET /api/catalogue). */
export const DOMAIN_API_DOC = {
  type: String,
  example: 'water',
  description: 'A domain of the catalogue (GET /api/catalogue): the built-in water, power, gas, heat, traffic, or one an admin added',
} as const;
