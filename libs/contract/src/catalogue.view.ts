import { BUILT_IN_CATALOGUE, Domain, isBuiltInDomain, MetricCatalogue } from './metric-catalogue';
import { REJECT_REASON_CODES, REJECT_REASONS, RejectReason } from './reject-reason';

/** The catalogue as clients receive it: ordered lists rather than records, so a client never relies on key order. */
export interface CatalogueMetric {
  readonly name: string;
  readonly unit: string;
  readonly description: string;
  readonly range: readonly [number, number];
  readonly typical: readonly [number, number];
  readonly integer: boolean;
  /** Shipped with the code (an admin may still have changed its range, band or description). */
  readonly builtIn: boolean;
  /** When an admin retired it (ISO 8601): new readings are refused, stored ones stay. Null while in force. */
  readonly retiredAt: string | null;
}

export interface CatalogueDomain {
  readonly domain: Domain;
  readonly description: string;
  readonly builtIn: boolean;
  readonly metrics: readonly CatalogueMetric[];
}

export interface Catalogue {
  readonly domains: readonly CatalogueDomain[];
  readonly rejectReasons: readonly { readonly code: RejectReason; readonly description: string }[];
}

export function describeCatalogue(catalogue: MetricCatalogue = MetricCatalogue.BUILT_IN): Catalogue {
  return {
    domains: catalogue.domains().map((domain) => {
      const entry = catalogue.domain(domain);
      const builtIns: Readonly<Record<string, unknown>> = isBuiltInDomain(domain) ? BUILT_IN_CATALOGUE[domain] : {};
      return {
        domain,
        description: entry?.description ?? '',
        builtIn: entry?.builtIn ?? false,
        metrics: [...(entry?.metrics ?? [])].map(([name, spec]) => ({
          name,
          unit: spec.unit,
          description: spec.description,
          range: spec.range,
          typical: spec.typical,
          integer: spec.integer === true,
          builtIn: Object.prototype.hasOwnProperty.call(builtIns, name),
          retiredAt: spec.retiredAt === undefined ? null : new Date(spec.retiredAt).toISOString(),
        })),
      };
    }),
    rejectReasons: REJECT_REASON_CODES.map((code) => ({ code, description: REJECT_REASONS[code] })),
  };
}

/** A client's copy of the live catalogue (GET /api/catalogue) as a MetricCatalogue: what the simulator validates against. */
export function catalogueFromView(view: Pick<Catalogue, 'domains'>): MetricCatalogue {
  return new MetricCatalogue(
    new Map(
      view.domains.map((domain) => [
        domain.domain,
        {
          description: domain.description,
          builtIn: domain.builtIn,
          metrics: new Map(
            domain.metrics.map((metric) => [
              metric.name,
              {
                unit: metric.unit,
                description: metric.description,
                range: metric.range,
                typical: metric.typical,
                ...(metric.integer ? { integer: true } : {}),
                ...(metric.retiredAt === null ? {} : { retiredAt: Date.parse(metric.retiredAt) }),
              },
            ]),
          ),
        },
      ]),
    ),
  );
}
