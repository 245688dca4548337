import type { FleetOptions } from './bench-fleet';
import type { LatencySummary } from './latency-histogram';

/** Messages between the orchestrator and its child processes (load generator, bare broker, device fleet), over IPC. */

export interface MqttLoadJob {
  readonly kind: 'mqtt';
  readonly port: number;
  /** The nodes of a cluster: connection i goes to ports[i mod ports.length] instead of `port`. */
  readonly ports?: readonly number[];
  readonly fleet: FleetOptions;
  /** QoS 1 messages in flight per connection at most. */
  readonly window: number;
  /** Readings in each message: 1 sends a reading object, more a JSON array of them (a device flushing its buffer). */
  readonly readingsPerMessage: number;
  /** Readings per second over all connections (open loop), or null: as fast as PUBACKs come back (closed loop). */
  readonly rate: number | null;
  readonly durationMs: number;
  /** Event time of every device's first reading. */
  readonly tsBase: number;
  /** Readings per second reported as samples for the queryable probe (rate mode only); 0 for none. */
  readonly samplesPerSecond: number;
  readonly connectConcurrency: number;
  /** Device id → secret, for a service that authenticates devices; absent for the bare broker (no authentication). */
  readonly credentials?: Readonly<Record<string, string>>;
}

export interface LineLoadJob {
  readonly kind: 'line';
  readonly influxUrl: string;
  readonly database: string;
  readonly fleet: FleetOptions;
  readonly batchLines: number;
  readonly concurrency: number;
  readonly durationMs: number;
  readonly tsBase: number;
}

/** Devices posting JSON batches to the service's HTTP ingest, one keep-alive connection each, closed loop. */
export interface HttpLoadJob {
  readonly kind: 'http';
  /** The service's HTTP port (127.0.0.1). */
  readonly port: number;
  /** One client (keep-alive connection) per device. */
  readonly fleet: FleetOptions;
  readonly readingsPerPost: number;
  readonly durationMs: number;
  readonly tsBase: number;
  /** Device id → secret. */
  readonly credentials: Readonly<Record<string, string>>;
}

export type LoadJob = MqttLoadJob | LineLoadJob | HttpLoadJob;

/** A reading whose arrival in InfluxDB the orchestrator watches for. */
export interface QueryableSample {
  readonly deviceId: string;
  readonly domain: string;
  readonly ts: number;
  /** Epoch ms the reading was due to be published (open loop: its scheduled time, so a late send counts as latency). */
  readonly publishAt: number;
}

export interface MqttLoadResult {
  readonly kind: 'mqtt';
  readonly connections: number;
  readonly connectMs: number;
  /** From 'go' to the last send. */
  readonly sendMs: number;
  /** From the last send until every in-flight message was acknowledged (or the drain timeout). */
  readonly drainMs: number;
  /** Readings (not messages) sent, acknowledged and still unacknowledged at the end. */
  readonly sent: number;
  readonly acked: number;
  readonly unacked: number;
  readonly outOfOrderAcks: number;
  /** Readings acknowledged in each second after 'go'. */
  readonly ackedPerSecond: number[];
  /** Publish (scheduled time in rate mode) to PUBACK, over every message. */
  readonly ackLatency: LatencySummary;
  /** Rate mode: the most messages that were due but not sent because their connection's window was full. */
  readonly maxBacklog: number;
  readonly errors: string[];
}

export interface LineLoadResult {
  readonly kind: 'line';
  readonly points: number;
  readonly batches: number;
  readonly failedRequests: number;
  readonly elapsedMs: number;
  readonly pointsPerSecond: number[];
  readonly errors: string[];
}

export interface HttpLoadResult {
  readonly kind: 'http';
  readonly clients: number;
  /** Posts answered 200. */
  readonly posts: number;
  /** Readings sent (retries included) and readings a 200 answered as accepted (durable). */
  readonly sent: number;
  readonly accepted: number;
  readonly failedRequests: number;
  readonly elapsedMs: number;
  readonly acceptedPerSecond: number[];
  /** Post → 200, i.e. until every reading of the post was durable. */
  readonly answerLatency: LatencySummary;
  readonly errors: string[];
}

export type LoadResult = MqttLoadResult | LineLoadResult | HttpLoadResult;

export type ToChild = { readonly type: 'job'; readonly job: LoadJob } | { readonly type: 'go' } | { readonly type: 'stop' };

export type FromChild =
  | { readonly type: 'connected'; readonly connections: number; readonly connectMs: number }
  | { readonly type: 'listening'; readonly port: number }
  | { readonly type: 'sample'; readonly sample: QueryableSample }
  | { readonly type: 'result'; readonly result: unknown }
  | { readonly type: 'failed'; readonly error: string };
