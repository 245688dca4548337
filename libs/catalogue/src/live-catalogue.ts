import { DomainError, type DomainErrorKind, InvalidInputError, quoted, type SharedCacheNotice, UNSHARED_CACHE } from '@hub/common';
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
import type { Store, Tx } from '@hub/store';
import { CatalogueRepository, type StoredDomain, type StoredMetric } from './catalogue.repository';

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

/** The rows admins wrote, as the database holds them. */
interface AdminRows {
  readonly domains: readonly StoredDomain[];
  readonly metrics: readonly StoredMetric[];
}

/** Serialises catalogue changes: each reads the rows, checks and writes inside its transaction (PostgreSQL runs them side by side). */
const CATALOGUE_LOCK = 'catalogue';

/**
 * The catalogue in force: the shipped built-ins with the admins' rows over them. Every change is written to the
 * database first and the snapshot replaced once it committed, with the rows read back inside its transaction, so what
 * validates the next message is what a restart would load. Validation asks `current()` per message; there is nothing
 * to invalidate anywhere else.
 */
export class LiveCatalogue implements CatalogueSource {
  private rows: AdminRows;
  private snapshot: MetricCatalogue;
  private readonly listeners: ((catalogue: MetricCatalogue) => void)[] = [];
  private shared: SharedCacheNotice = UNSHARED_CACHE;

  private constructor(
    private readonly store: Store,
    private readonly repository: CatalogueRepository,
    rows: AdminRows,
    private builtIns: Readonly<Record<BuiltInDomain, DomainCatalogue>>,
  ) {
    this.rows = rows;
    this.snapshot = buildCatalogue(rows.domains, rows.metrics, builtIns);
  }

  /** builtIns: the shipped metrics as the county's standards profile has them (`builtInCatalogueFor`). */
  static async load(store: Store, builtIns: Readonly<Record<BuiltInDomain, DomainCatalogue>> = BUILT_IN_CATALOGUE, repository = new CatalogueRepository(store)): Promise<LiveCatalogue> {
    return new LiveCatalogue(store, repository, { domains: await repository.domains(), metrics: await repository.metrics() }, builtIns);
  }

  /** The built-in layer under the admins' rows, for the next message on; an admin's row for a metric stays on top. */
  useBuiltIns(builtIns: Readonly<Record<BuiltInDomain, DomainCatalogue>>): void {
    this.builtIns = builtIns;
    this.install(this.rows);
  }

  shareChanges(shared: SharedCacheNotice): void {
    this.shared = shared;
  }

  /** The admins' rows again (another node changed them), as a swap to run when the caller decides (CacheCoherence). */
  async readAll(): Promise<() => void> {
    const rows: AdminRows = { domains: await this.repository.domains(), metrics: await this.repository.metrics() };
    return () => this.install(rows);
  }

  current(): MetricCatalogue {
    return this.snapshot;
  }

  /** Called after each change with the new snapshot (the live event stream tells consoles to reload it). */
  onChange(listener: (catalogue: MetricCatalogue) => void): void {
    this.listeners.push(listener);
  }

  /** Joins the caller's transaction when given one (its audit entry); in force once that commits. */
  async addDomain(input: NewDomainInput, actor: string, now: number, outer?: Tx): Promise<StoredDomain> {
    const domain: StoredDomain = { ...input, createdAt: now, createdBy: actor };
    await this.change(outer, async (catalogue, tx) => {
      // Checked again where no other change interleaves: the caller read its input against the snapshot.
      if (catalogue.hasDomain(domain.domain)) throw new InvalidInputError('domain', [{ field: 'domain', problem: `${domain.domain} exists already` }]);
      await this.repository.addDomain(domain, tx.exec);
    });
    return domain;
  }

  async addMetric(domain: string, input: NewMetricInput, actor: string, now: number, outer?: Tx): Promise<MetricChange> {
    const { metric, ...spec } = input;
    const after = await this.change(outer, async (catalogue, tx) => {
      requireDomainOf(catalogue, domain);
      const existing = catalogue.metricSpec(domain, metric);
      if (existing !== undefined) {
        const problem = existing.retiredAt === undefined ? `${domain} has ${metric} already` : `${domain} had ${metric}, retired: restore it (PATCH with "retired": false) rather than define it again`;
        throw new InvalidInputError('metric', [{ field: 'name', problem }]);
      }
      await this.repository.saveMetric({ domain, metric, ...spec, retiredAt: null, updatedAt: now, updatedBy: actor }, tx.exec);
    });
    return { domain, metric, before: null, after: requireMetricOf(after, domain, metric) };
  }

  /** Applied over the metric as the database holds it when the transaction runs (another admin may have changed it). */
  async updateMetric(domain: string, metric: string, patch: MetricPatch, actor: string, now: number, outer?: Tx): Promise<MetricChange> {
    let before: MetricSpec | undefined;
    const after = await this.change(outer, async (catalogue, tx) => {
      const current = requireMetricOf(catalogue, domain, metric);
      before = current;
      const retiredAt = patch.retired === undefined ? (current.retiredAt ?? null) : patch.retired ? (current.retiredAt ?? now) : null;
      await this.repository.saveMetric(
        {
          domain,
          metric,
          unit: current.unit,
          description: patch.description ?? current.description,
          range: patch.range ?? current.range,
          typical: patch.typical ?? current.typical,
          integer: current.integer === true,
          retiredAt,
          updatedAt: now,
          updatedBy: actor,
        },
        tx.exec,
      );
    });
    return { domain, metric, before: before ?? null, after: requireMetricOf(after, domain, metric) };
  }

  /** An admin's row for a metric (a built-in one they changed, or one they added); undefined: as shipped. */
  adminRow(domain: string, metric: string): StoredMetric | undefined {
    return this.rows.metrics.find((row) => row.domain === domain && row.metric === metric);
  }

  requireDomain(domain: string): CatalogueDomainEntry {
    return requireDomainOf(this.snapshot, domain);
  }

  requireMetric(domain: string, metric: string): MetricSpec {
    return requireMetricOf(this.snapshot, domain, metric);
  }

  /**
   * Runs `write` under the catalogue's lock with the catalogue as the transaction sees it, reads the rows back and
   * installs them once the transaction commits; answers the catalogue after the write.
   */
  private async change(outer: Tx | undefined, write: (catalogue: MetricCatalogue, tx: Tx) => Promise<void>): Promise<MetricCatalogue> {
    return this.store.tx(async (tx) => {
      await tx.lock(CATALOGUE_LOCK);
      await write(buildCatalogue(await this.repository.domains(tx.exec), await this.repository.metrics(tx.exec), this.builtIns), tx);
      const rows: AdminRows = { domains: await this.repository.domains(tx.exec), metrics: await this.repository.metrics(tx.exec) };
      tx.afterCommit(() => {
        this.install(rows);
        this.shared.changed();
      });
      return buildCatalogue(rows.domains, rows.metrics, this.builtIns);
    }, outer);
  }

  private install(rows: AdminRows): void {
    this.rows = rows;
    this.snapshot = buildCatalogue(rows.domains, rows.metrics, this.builtIns);
    for (const listener of this.listeners) listener(this.snapshot);
  }
}

function requireDomainOf(catalogue: MetricCatalogue, domain: string): CatalogueDomainEntry {
  const entry = catalogue.domain(domain);
  if (entry === undefined) throw new CatalogueEntryNotFoundError(`The catalogue has no domain ${quoted(domain, 32)}`);
  return entry;
}

function requireMetricOf(catalogue: MetricCatalogue, domain: string, metric: string): MetricSpec {
  requireDomainOf(catalogue, domain);
  const spec = catalogue.metricSpec(domain, metric);
  if (spec === undefined) throw new CatalogueEntryNotFoundError(`${domain} has no metric ${quoted(metric, 64)}`);
  return spec;
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
