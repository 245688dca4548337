import { Domain, DOMAINS, METRIC_CATALOGUE } from './metric-catalogue';
import { REJECT_REASON_CODES, REJECT_REASONS, RejectReason } from './reject-reason';

/** The catalogue as clients receive it: ordered lists rather than records, so a client never relies on key order. */
export interface CatalogueMetric {
  readonly name: string;
  readonly unit: string;
  readonly description: string;
  readonly range: readonly [number, number];
  readonly typical: readonly [number, number];
  readonly integer: boolean;
}

export interface CatalogueDomain {
  readonly domain: Domain;
  readonly metrics: readonly CatalogueMetric[];
}

export interface Catalogue {
  readonly domains: readonly CatalogueDomain[];
  readonly rejectReasons: readonly { readonly code: RejectReason; readonly description: string }[];
}

export function describeCatalogue(): Catalogue {
  return {
    domains: DOMAINS.map((domain) => ({
      domain,
      metrics: Object.entries(METRIC_CATALOGUE[domain]).map(([name, spec]) => ({
        name,
        unit: spec.unit,
        description: spec.description,
        range: spec.range,
        typical: spec.typical,
        integer: spec.integer === true,
      })),
    })),
    rejectReasons: REJECT_REASON_CODES.map((code) => ({ code, description: REJECT_REASONS[code] })),
  };
}
