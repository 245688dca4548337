import { HubLogger } from '@hub/common';
import { LineSink } from '@hub/influx';
import { NewDeadLetter } from './dead-letter.repository';
import { InfluxAvailability } from './influx-availability';
import { IngestStats } from './ingest-stats';
import { StringLineList } from './line-buffer';
import { influxRefusedLetter, originOfLine, SpoolPlace } from './spool-port';
import { writeOrBisect } from './write-or-bisect';

/** What the replayer needs of a spool: the oldest batch not yet replayed, and a way to let it go once written. */
export interface ReplaySource {
  /** 'local': its readings are counted in `spooled`; 'shared': in `sharedReplayed` when replayed (IngestStats). */
  readonly place: SpoolPlace;
  peek(): Promise<{ readonly lines: string[] } | null>;
  commit(record: { readonly lines: string[] }): Promise<void>;
}

/** The local outage spool (libs/spool) as a ReplaySource. */
export function localReplaySource<R extends { readonly lines: string[] }>(spool: { peek(): Promise<R | null>; commit(record: R): Promise<void> }): ReplaySource {
  return {
    place: 'local',
    peek: () => spool.peek(),
    commit(record: R) {
      return spool.commit(record);
    },
  };
}

const IDLE_POLL_MS = 200;

/**
 * Writes the outage spools back to InfluxDB, oldest batch first, once InfluxDB answers again: the local spool before
 * the shared one (the local one only this node can replay). At most `ratePerSecond`
 * readings a second, so that live readings keep flowing while a backlog drains. A batch leaves the spool only after
 * InfluxDB confirmed it (or refused single points, which become dead letters): no retry or time limit drops anything.
 */
export class SpoolReplayer {
  private running = false;
  private stopped: Promise<void> = Promise.resolve();
  private wake: (() => void) | null = null;

  constructor(
    private readonly sources: readonly ReplaySource[],
    private readonly sink: LineSink,
    private readonly availability: InfluxAvailability,
    private readonly stats: IngestStats,
    private readonly ratePerSecond: number,
    /** Resolves once the letters are committed: the batch leaves the spool only then. */
    private readonly recordDeadLetters: (letters: readonly NewDeadLetter[]) => Promise<void>,
    private readonly logger: HubLogger,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.stopped = this.run().catch((error: unknown) => {
      this.running = false;
      this.logger.error({ msg: 'Spool replay stopped on an unexpected error; restart the service to resume it', error });
    });
  }

  /** Finishes the batch under way (if any) and stops. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.stopped;
  }

  private async run(): Promise<void> {
    while (this.running) {
      const next = await this.nextRecord();
      if (next === null) {
        await this.sleep(IDLE_POLL_MS);
        continue;
      }
      const { source, record } = next;
      // While the circuit is open the live writer spools; the replayer is the one that probes InfluxDB.
      const started = Date.now();
      try {
        const outcome = await writeOrBisect(this.sink, new StringLineList(record.lines));
        const streak = this.availability.recordSuccess();
        if (streak > 0) this.logger.log({ msg: 'InfluxDB takes writes again; replaying the outage spool', failedAttempts: streak, spooled: this.stats.spooled });
        if (outcome.refused.length > 0) {
          await this.recordDeadLetters(outcome.refused.map(({ index, error }) => influxRefusedLetter(originOfLine(record.lines[index]), error)));
        }
        await source.commit(record);
        this.stats.written += outcome.written;
        this.stats.refusedByInflux += outcome.refused.length;
        if (source.place === 'local') this.stats.spooled -= record.lines.length;
        else this.stats.sharedReplayed += record.lines.length;
        this.stats.replayedBatches++;
      } catch (error) {
        this.stats.writeErrors++;
        const delay = this.availability.recordFailure(error);
        await this.sleep(delay);
        continue;
      }
      const budgetMs = (record.lines.length / this.ratePerSecond) * 1000;
      await this.sleep(budgetMs - (Date.now() - started));
    }
  }

  private async nextRecord(): Promise<{ source: ReplaySource; record: { readonly lines: string[] } } | null> {
    for (const source of this.sources) {
      const record = await source.peek();
      if (record !== null) return { source, record };
    }
    return null;
  }

  private sleep(ms: number): Promise<void> {
    if (ms <= 0 || !this.running) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}
