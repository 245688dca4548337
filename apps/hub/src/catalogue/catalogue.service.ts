import { Injectable, Logger, ServiceUnavailableException } from '@nestjs/common';
import { assertCountyWide, type Principal } from '@hub/access';
import { LiveCatalogue, type MetricChange, readMetricPatch, readNewDomain, readNewMetric, StoredReadingsOutsideRangeError } from '@hub/catalogue';
import { type Catalogue, describeCatalogue } from '@hub/contract';
import { InfluxQueryClient, quoteIdentifier } from '@hub/influx';
import { AuditLogRepository, Store, type Tx } from '@hub/store';

/** Why only a county-wide admin changes it, for the 403's message. */
const SHARED = 'the catalogue is shared by every town';

/** What InfluxDB holds outside a range: how many readings, and the lowest and highest of them. */
export interface StoredOutside {
  readonly count: number;
  readonly min: number | null;
  readonly max: number | null;
}

/**
 * Admins' changes to the catalogue: checked, stored and audited, in force for the next message on every connection.
 * The catalogue is the county's, not a town's: only an admin whose scope is the whole county changes it.
 */
@Injectable()
export class CatalogueService {
  private readonly logger = new Logger(CatalogueService.name);

  constructor(
    private readonly catalogue: LiveCatalogue,
    private readonly audit: AuditLogRepository,
    private readonly influx: InfluxQueryClient,
    private readonly store: Store,
  ) {}

  view(): Catalogue {
    return describeCatalogue(this.catalogue.current());
  }

  async addDomain(body: unknown, by: Principal): Promise<Catalogue['domains'][number]> {
    assertCountyWide(by, 'add a domain', SHARED);
    const input = readNewDomain(body, this.catalogue.current());
    const now = Date.now();
    await this.store.tx(async (tx) => {
      await this.catalogue.addDomain(input, by.name, now, tx);
      await this.audit.record({ at: now, actor: by.name, action: 'catalogue.domain.add', targetType: 'catalogue', targetId: input.domain, detail: { ...input } }, tx.exec);
    });
    this.logger.log({ msg: 'Catalogue domain added', domain: input.domain, by: by.name });
    return this.domainView(input.domain);
  }

  async addMetric(domain: string, body: unknown, by: Principal): Promise<Catalogue['domains'][number]['metrics'][number]> {
    assertCountyWide(by, `add a metric to ${domain}`, SHARED);
    this.catalogue.requireDomain(domain);
    const input = readNewMetric(body, domain, this.catalogue.current());
    await this.store.tx(async (tx) => {
      const change = await this.catalogue.addMetric(domain, input, by.name, Date.now(), tx);
      await this.record(change, 'catalogue.metric.add', by, tx);
    });
    return this.metricView(domain, input.metric);
  }

  /**
   * Description, range, typical band, retired. A range that would leave readings already stored outside it is
   * refused (409, saying how many and their extremes) unless the body confirms it: those readings stay stored, and
   * new ones like them will be refused from now on.
   */
  async changeMetric(domain: string, metric: string, body: unknown, by: Principal): Promise<Catalogue['domains'][number]['metrics'][number]> {
    assertCountyWide(by, `change ${domain}.${metric}`, SHARED);
    const current = this.catalogue.requireMetric(domain, metric);
    const patch = readMetricPatch(body, current);
    const range = patch.range;
    if (range !== undefined && (range[0] > current.range[0] || range[1] < current.range[1]) && !patch.confirm) {
      const outside = await this.storedOutside(domain, metric, range);
      if (outside.count > 0) {
        throw new StoredReadingsOutsideRangeError(
          `${outside.count} stored ${domain}.${metric} readings lie outside [${range[0]}, ${range[1]}] ${current.unit} (lowest ${outside.min}, highest ${outside.max}); ` +
            'they stay stored and shown, and new readings like them will be refused as VALUE_OUT_OF_RANGE. Send "confirm": true to apply the range.',
        );
      }
    }
    // Applied over the metric as it is now (another admin may have changed it while InfluxDB was answering).
    await this.store.tx(async (tx) => {
      const change = await this.catalogue.updateMetric(domain, metric, patch, by.name, Date.now(), tx);
      const was = change.before?.retiredAt;
      const action = patch.retired === true && was === undefined ? 'catalogue.metric.retire' : patch.retired === false && was !== undefined ? 'catalogue.metric.restore' : 'catalogue.metric.change';
      await this.record(change, action, by, tx, patch.confirm);
    });
    return this.metricView(domain, metric);
  }

  /** Readings of `domain.metric` stored in InfluxDB outside `range`, over all time. */
  async storedOutside(domain: string, metric: string, range: readonly [number, number]): Promise<StoredOutside> {
    const field = quoteIdentifier(metric);
    const query = `SELECT count(${field}), min(${field}), max(${field}) FROM ${quoteIdentifier(domain)} WHERE ${field} < ${range[0]} OR ${field} > ${range[1]}`;
    let series;
    try {
      series = await this.influx.query(query);
    } catch (error) {
      throw new ServiceUnavailableException(
        `Cannot check the readings stored in InfluxDB against the new range (${error instanceof Error ? error.message : String(error)}); send "confirm": true to apply it unchecked`,
        { cause: error },
      );
    }
    const row = series[0]?.values[0];
    if (row === undefined) return { count: 0, min: null, max: null };
    const [, count, min, max] = row;
    return { count: typeof count === 'number' ? count : 0, min: typeof min === 'number' ? min : null, max: typeof max === 'number' ? max : null };
  }

  private async record(change: MetricChange, action: string, by: Principal, tx: Tx, confirmed = false): Promise<void> {
    const { domain, metric, before, after } = change;
    await this.audit.record({ actor: by.name, action, targetType: 'catalogue', targetId: `${domain}.${metric}`, detail: { before, after, ...(confirmed ? { confirmed } : {}) } }, tx.exec);
    tx.afterCommit(() => this.logger.log({ msg: 'Catalogue metric changed', action, domain, metric, by: by.name }));
  }

  private domainView(domain: string): Catalogue['domains'][number] {
    const view = this.view().domains.find((entry) => entry.domain === domain);
    if (view === undefined) throw new Error(`domain ${domain} missing right after it was stored`);
    return view;
  }

  private metricView(domain: string, metric: string): Catalogue['domains'][number]['metrics'][number] {
    const view = this.domainView(domain).metrics.find((entry) => entry.name === metric);
    if (view === undefined) throw new Error(`metric ${domain}.${metric} missing right after it was stored`);
    return view;
  }
}
