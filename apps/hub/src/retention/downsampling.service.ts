import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import type { HubConfig } from '@hub/config';
import { InfluxQueryClient, RetentionPolicyAdmin } from '@hub/influx';
import { applyRetention, BACKFILL_POLICY, DownsampleState, Downsampler, LateReadingWatch, RetentionChangeRefusedError } from '@hub/pipeline';
import { HUB_CONFIG } from '../hub.tokens';
import type { RawPolicies, StoredResolutions } from '../devices/reading-resolution';

/**
 * Retention and downsampling in the service (issue 19 point 1): at start the retention policies are made to match
 * HUB_RETENTION_* (a shrink that drops data stops the start unless confirmed), then the downsampler runs every
 * HUB_DOWNSAMPLE_INTERVAL. InfluxDB v2 (VictoriaMetrics) has neither: there only raw readings are served, kept as
 * long as the server's own -retentionPeriod says (docs/operations.md).
 */
@Injectable()
export class DownsamplingService implements BeforeApplicationShutdown, StoredResolutions, RawPolicies {
  private readonly logger = new Logger('Downsampling');
  private downsampler: Downsampler | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  private lastFailure: string | null = null;
  private appliedRawPolicy: string | null = null;

  constructor(
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    private readonly influx: InfluxQueryClient,
    private readonly state: DownsampleState,
    private readonly watch: LateReadingWatch,
  ) {}

  /** The raw readings' retention policy for queries; null: the database's default. */
  get rawPolicy(): string | null {
    return this.appliedRawPolicy ?? (this.config.influx.api === 'v1' ? (this.config.influx.retentionPolicy ?? null) : null);
  }

  /** The backfill policy once set up; readings older than the raw period are there. */
  get backfillPolicy(): string | null {
    return this.downsampler === null ? null : BACKFILL_POLICY;
  }

  /** How far each aggregate resolution is complete; all null while only raw readings can be served. */
  get aggregatedUntil(): Record<'1m' | '1h', number | null> {
    if (this.downsampler === null) return { '1m': null, '1h': null };
    return this.downsampler.aggregatedUntil;
  }

  /**
   * Called by HubLifecycle once the database exists, before devices are let in. Throws RetentionChangeRefusedError
   * (the hub does not start) for an unconfirmed shrink that drops data; InfluxDB unreachable: tried again each interval.
   */
  async setUp(): Promise<void> {
    if (this.config.influx.api !== 'v1') {
      this.logger.log('InfluxDB v2 write path: retention and downsampling are the server\'s own (no aggregates); readings are served raw');
      return;
    }
    try {
      await this.activate();
    } catch (error) {
      if (error instanceof RetentionChangeRefusedError) throw error;
      this.logger.warn({ msg: 'Could not set up retention policies yet; trying again each downsample interval', error });
    }
    this.schedule();
  }

  private async activate(): Promise<void> {
    const { retention, influx } = this.config;
    if (influx.api !== 'v1') return;
    const admin = new RetentionPolicyAdmin(this.influx, influx.database);
    const { rawPolicy } = await applyRetention(admin, retention, influx.retentionPolicy, this.logger);
    const downsampler = new Downsampler({ query: (q) => this.influx.query(q), state: this.state, watch: this.watch, rawPolicy, config: retention, logger: this.logger });
    await downsampler.start();
    this.watch.activate(retention.keepMs.raw);
    this.appliedRawPolicy = rawPolicy;
    this.downsampler = downsampler;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick().finally(() => {
        this.running = null;
        this.schedule();
      });
    }, this.config.retention.intervalMs);
  }

  private async tick(): Promise<void> {
    try {
      if (this.downsampler === null) await this.activate();
      await this.downsampler?.run();
      if (this.lastFailure !== null) this.logger.log({ msg: 'Downsampling runs again', after: this.lastFailure });
      this.lastFailure = null;
    } catch (error) {
      // Logged once per kind of failure (InfluxDB down for an hour is one entry); the next run retries from the watermark.
      const text = error instanceof Error ? error.message : String(error);
      if (text !== this.lastFailure) this.logger.error({ msg: error instanceof RetentionChangeRefusedError ? text : 'Downsampling failed; retrying next interval', error });
      this.lastFailure = text;
    }
  }

  /** Before every onApplicationShutdown: the hub's lifecycle closes the store there, and a pass writes its watermarks to it. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    await this.running;
  }
}
