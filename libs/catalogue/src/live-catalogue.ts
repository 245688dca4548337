import { DomainError, type DomainErrorKind, quoted } from '@hub/common';
import {
  BUILT_IN_CATALOGUE,
  BUILT_IN_DOMAIN_DESCRIPTIONS,
  BUILT_IN_DOMAINS,
  type CatalogueDomainEntry,
  type BuiltInDomain,
  type CatalogueSource,
  type DomainCatalogue,
  isBuiltInDomain,
  MetricCatalogue,
  type MetricSpec,
} from '@hub/contract';
import type { MetricPatch, NewDomainInput, NewMetricInput } from './catalogue-input';
import type { CatalogueRepository, StoredDomain, StoredMetric } from './catalogue.repository';

export class CatalogueEntryNotFoundError extends DomainError {
  readonly kind: DomainErrorKind = 'not-found';

  constructor(message: string) {
    super(message);
    this.name = 'CatalogueEntryNotFoundError';
  }
}

/** What a change did, for the audit log and the answer: the spec before and after. */
export interface MetricChange {
  readonly domain: string;
  readonly metric: string;
  readonly before: MetricSpec | null;
  readonly after: MetricSpec;
}

/**
 * The catalogue in force: the shipped built-ins with the admins' rows over them. Every change is written to the
 * database first and the snapshot rebuilt after, so what validates the next message is what a restart would load.
 * Validation asks `current()` per message; there is nothing to invalidate anywhere else.
 */
export class LiveCatalogue implements CatalogueSource {
  private snapshot: MetricCatalogue;
  private readonly listeners: ((catalogue: MetricCatalogue) => void)[] = [];

  /** builtIns: the shipped metrics as the county's standards profile has them (`builtInCatalogueFor`). */
  constructor(
    private readonly repository: CatalogueRepository,
    private builtIns: Readonly<Record<BuiltInDomain, DomainCatalogue>> = BUILT_IN_CATALOGUE,
  ) {
    this.snapshot = buildCatalogue(repository.domains(), repository.metrics(), builtIns);
  }

  /** The built-in layer under the admins' rows, for the next message on; an admin's row for a metric stays on top. */
  useBuiltIns(builtIns: Readonly<Record<BuiltInDomain, DomainCatalogue>>): void {
    this.builtIns = builtIns;
    this.reload();
  }

  current(): MetricCatalogue {
    return this.snapshot;
  }

  /** Called after each change with the new snapshot (the live event stream tells consoles to reload it). */
  onChange(listener: (catalogue: MetricCatalogue) => void): void {
    this.listeners.push(listener);
  }

  addDomain(input: NewDomainInput, actor: string, now: number): StoredDomain {
    const domain: StoredDomain = { ...input, createdAt: now, createdBy: actor };
    this.repository.addDomain(domain);
    this.reload();
    return domain;
  }

  addMetric(domain: string, input: NewMetricInput, actor: string, now: number): MetricChange {
    this.requireDomain(domain);
    const { metric, ...spec } = input;
    this.repository.saveMetric({ domain, metric, ...spec, retiredAt: null, updatedAt: now, updatedBy: actor });
    this.reload();
    return { domain, metric, before: null, after: this.requireMetric(domain, metric) };
  }

  updateMetric(domain: string, metric: string, patch: MetricPatch, actor: string, now: number): MetricChange {
    const before = this.requireMetric(domain, metric);
    const retiredAt = patch.retired === undefined ? (before.retiredAt ?? null) : patch.retired ? (before.retiredAt ?? now) : null;
    this.repository.saveMetric({
      domain,
      metric,
      unit: before.unit,
      description: patch.description ?? before.description,
      range: patch.range ?? before.range,
      typical: patch.typical ?? before.typical,
      integer: before.integer === true,
      retiredAt,
      updatedAt: now,
      updatedBy: actor,
    });
    this.reload();
    return { domain, metric, before, after: this.requireMetric(domain, metric) };
  }

  /** An admin's row for a metric (a built-in one they changed, or one they added); undefined: as shipped. */
  adminRow(domain: string, metric: string): StoredMetric | undefined {
    return this.repository.metrics().find((row) => row.domain === domain && row.metric === metric);
  }

  requireDomain(domain: string): CatalogueDomainEntry {
    const entry = this.snapshot.domain(domain);
    if (entry === undefined) throw new CatalogueEntryNotFoundError(`The catalogue has no domain ${quoted(domain, 32)}`);
    return entry;
  }

  requireMetric(domain: string, metric: string): MetricSpec {
    this.requireDomain(domain);
    const spec = this.snapshot.metricSpec(domain, metric);
    if (spec === undefined) throw new CatalogueEntryNotFoundError(`${domain} has no metric ${quoted(metric, 64)}`);
    return spec;
  }

  private reload(): void {
    this.snapshot = buildCatalogue(this.repository.domains(), this.repository.metrics(), this.builtIns);
    for (const listener of this.listeners) listener(this.snapshot);
  }
}

/**
 * Built-in domains first (in shipped order, each with its shipped metrics and then the ones admins added), then
 * the domains admins added, in the order they were added. A row for a built-in metric replaces its spec.
 */
export function buildCatalogue(
  domains: readonly StoredDomain[],
  metrics: readonly StoredMetric[],
  builtIns: Readonly<Record<BuiltInDomain, DomainCatalogue>> = BUILT_IN_CATALOGUE,
): MetricCatalogue {
  const entries = new Map<string, { description: string; builtIn: boolean; metrics: Map<string, MetricSpec> }>();
  for (const domain of BUILT_IN_DOMAINS) {
    entries.set(domain, { description: BUILT_IN_DOMAIN_DESCRIPTIONS[domain], builtIn: true, metrics: new Map(Object.entries(builtIns[domain])) });
  }
  for (const { domain, description } of domains) {
    if (!isBuiltInDomain(domain)) entries.set(domain, { description, builtIn: false, metrics: new Map() });
  }
  for (const row of metrics) {
    // A row whose domain is missing cannot be written through the API; skipping it keeps a hand-edited file loadable.
    entries.get(row.domain)?.metrics.set(row.metric, specOf(row));
  }
  return new MetricCatalogue(entries);
}

function specOf(row: StoredMetric): MetricSpec {
  return {
    unit: row.unit,
    description: row.description,
    range: row.range,
    typical: row.typical,
    ...(row.integer ? { integer: true } : {}),
    ...(row.retiredAt === null ? {} : { retiredAt: row.retiredAt }),
  };
}

/** A range change that would leave stored readings outside it, sent without `confirm: true`. */
export class StoredReadingsOutsideRangeError extends DomainError {
  readonly kind: DomainErrorKind = 'conflict';

  constructor(message: string) {
    super(message);
    this.name = 'StoredReadingsOutsideRangeError';
  }
}
