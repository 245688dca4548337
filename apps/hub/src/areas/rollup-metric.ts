import { quoted } from '@hub/common';
import type { MetricCatalogue } from '@hub/contract';
import { RollupRequestError } from './area-rollup.errors';

export interface RollupMetric {
  readonly domain: string;
  readonly metric: string;
  readonly unit: string;
}

/**
 * `?metric=` (and `?domain=` when the name is in more than one domain: flow_m3h is water's, gas's and heat's) as a
 * metric of the catalogue in force. A retired metric still rolls up: its stored readings stay. Every 400 says what
 * would have been right.
 */
export function resolveRollupMetric(catalogue: MetricCatalogue, metric: string | undefined, domain: string | undefined): RollupMetric {
  if (metric === undefined) {
    throw new RollupRequestError(`Missing query parameter metric: expected a metric of the catalogue (GET /api/catalogue); ${metricsOf(catalogue, catalogue.domains())}`);
  }
  if (domain !== undefined) {
    const spec = catalogue.metricSpec(domain, metric);
    if (spec === undefined) throw new RollupRequestError(`Invalid query parameter metric=${quoted(metric, 100)}: domain ${domain} has no such metric; ${metricsOf(catalogue, [domain])}`);
    return { domain, metric, unit: spec.unit };
  }
  const domains = catalogue.domains().filter((candidate) => catalogue.metricSpec(candidate, metric) !== undefined);
  if (domains.length === 0) {
    throw new RollupRequestError(`Invalid query parameter metric=${quoted(metric, 100)}: no domain of the catalogue has such a metric; ${metricsOf(catalogue, catalogue.domains())}`);
  }
  if (domains.length > 1) {
    throw new RollupRequestError(`Query parameter metric=${quoted(metric, 100)} is a metric of ${domains.join(', ')}: add domain= one of them to say which`);
  }
  return { domain: domains[0], metric, unit: catalogue.metricSpec(domains[0], metric)?.unit ?? '' };
}

/** "metrics of water: pressure_kpa, flow_m3h, …; of power: …" (those in force). */
function metricsOf(catalogue: MetricCatalogue, domains: readonly string[]): string {
  return `metrics of ${domains.map((domain) => `${domain}: ${catalogue.metricNames(domain).join(', ') || '(none)'}`).join('; of ')}`;
}
