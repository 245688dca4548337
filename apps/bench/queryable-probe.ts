import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { quoteIdentifier, quoteString } from '@hub/influx';
import { LatencySummary, summarise } from './latency-histogram';
import { QueryableSample } from './load-protocol';
import { countedMetric } from './bench-fleet';
import type { Domain } from '@hub/contract';

const MAX_STATEMENTS = 50;
const GIVE_UP_MS = 30_000;

export interface QueryableLatency extends LatencySummary {
  readonly pollIntervalMs: number;
  /** Samples still not queryable GIVE_UP_MS after they were published. */
  readonly neverSeen: number;
  readonly failedPolls: number;
  readonly lastError?: string;
}

/**
 * Publish → queryable, measured from the outside: sampled readings (a few dozen a second) are looked for in InfluxDB
 * with a point query each, all outstanding ones in one multi-statement request every `pollIntervalMs`. A sample's
 * latency is the time of the answer that first holds it minus the time it was due to be published, so it
 * overstates the truth by at most one poll interval plus one query round trip.
 */
export class QueryableProbe {
  private readonly outstanding: QueryableSample[] = [];
  private readonly latencies: number[] = [];
  private neverSeen = 0;
  private failedPolls = 0;
  private lastError: string | undefined;
  private timer: NodeJS.Timeout | null = null;
  private polling: Promise<void> = Promise.resolve();
  private readonly path: string;
  private readonly url: URL;
  // One kept-alive connection: polling 50 times a second must cost InfluxDB and this process little.
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 1 });

  constructor(
    influxUrl: string,
    database: string,
    private readonly pollIntervalMs = 20,
  ) {
    this.url = new URL(influxUrl);
    this.path = `/query?${new URLSearchParams({ db: database, epoch: 'ms' })}`;
  }

  add(sample: QueryableSample): void {
    this.outstanding.push(sample);
  }

  start(): void {
    const loop = (): void => {
      this.polling = this.poll()
        .catch((error: unknown) => {
          this.failedPolls++;
          this.lastError = error instanceof Error ? error.message : String(error);
        })
        .finally(() => {
          if (this.timer !== null) this.timer = setTimeout(loop, this.pollIntervalMs);
        });
    };
    this.timer = setTimeout(loop, this.pollIntervalMs);
  }

  /** Keeps polling until every sample is found or has timed out, then stops. */
  async finish(): Promise<QueryableLatency> {
    const deadline = performance.now() + GIVE_UP_MS + 1000;
    while (this.outstanding.length > 0 && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.polling;
    this.neverSeen += this.outstanding.splice(0).length;
    this.agent.destroy();
    return { ...summarise(this.latencies), pollIntervalMs: this.pollIntervalMs, neverSeen: this.neverSeen, failedPolls: this.failedPolls, lastError: this.lastError };
  }

  private async poll(): Promise<void> {
    const batch = this.outstanding.slice(0, MAX_STATEMENTS);
    if (batch.length === 0) return;
    const statements = batch.map(
      (sample) =>
        `SELECT count(${quoteIdentifier(countedMetric(sample.domain as Domain))}) FROM ${quoteIdentifier(sample.domain)} ` +
        `WHERE "device_id" = ${quoteString(sample.deviceId)} AND time = ${sample.ts}ms`,
    );
    const { status, text, answeredAt } = await postQuery(this.agent, this.url, this.path, new URLSearchParams({ q: statements.join(';') }).toString());
    const body = JSON.parse(text) as { results?: Array<{ statement_id?: number; series?: unknown[]; error?: string }> };
    if (status !== 200 || body.results === undefined) throw new Error(`probe query answered ${status}: ${text.slice(0, 200)}`);
    const found = new Set<QueryableSample>();
    for (const result of body.results) {
      if (result.error) throw new Error(`probe query: ${result.error}`);
      if (result.series !== undefined && result.series.length > 0 && result.statement_id !== undefined) found.add(batch[result.statement_id]);
    }
    for (let index = this.outstanding.length - 1; index >= 0; index--) {
      const sample = this.outstanding[index];
      if (found.has(sample)) {
        this.latencies.push(answeredAt - sample.publishAt);
        this.outstanding.splice(index, 1);
      } else if (answeredAt - sample.publishAt > GIVE_UP_MS) {
        this.neverSeen++;
        this.outstanding.splice(index, 1);
      }
    }
  }
}

function postQuery(agent: Agent, url: URL, path: string, form: string): Promise<{ status: number; text: string; answeredAt: number }> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      { host: url.hostname, port: url.port, path, method: 'POST', agent, headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(form) } },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text, answeredAt: performance.timeOrigin + performance.now() }));
        response.on('error', reject);
      },
    );
    outgoing.setTimeout(10_000, () => outgoing.destroy(new Error('probe query: no answer within 10 s')));
    outgoing.on('error', reject);
    outgoing.end(form);
  });
}
