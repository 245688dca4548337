import { HubProcess, stats } from '@hub/test-harness';
import type { IngestStatsSnapshot } from '@hub/pipeline';

/**
 * Polls the service's /api/ingest/stats once a second during a phase: readings InfluxDB confirmed per second (the
 * sustained curve behind the count-verified average) and whether anything went to the outage spool instead.
 */
export class HubStatsRecorder {
  private readonly written: number[] = [];
  private timer: NodeJS.Timeout | null = null;
  maxSpooled = 0;
  maxBuffered = 0;
  maxWaitingForRoom = 0;
  failedPolls = 0;

  constructor(private readonly hub: HubProcess) {}

  start(): void {
    this.timer = setInterval(() => {
      stats(this.hub).then(
        (snapshot) => this.record(snapshot),
        () => this.failedPolls++,
      );
    }, 1000);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Readings written in each second (differences of consecutive polls). */
  writtenPerSecond(): number[] {
    return this.written.slice(1).map((value, index) => value - this.written[index]);
  }

  private record(snapshot: IngestStatsSnapshot): void {
    this.written.push(snapshot.written);
    this.maxSpooled = Math.max(this.maxSpooled, snapshot.spooled);
    this.maxBuffered = Math.max(this.maxBuffered, snapshot.buffered);
    this.maxWaitingForRoom = Math.max(this.maxWaitingForRoom, snapshot.waitingForRoom);
  }
}
