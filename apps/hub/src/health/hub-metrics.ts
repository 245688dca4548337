import { Inject, Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { REJECT_REASON_CODES } from '@hub/contract';
import { MqttBroker } from '@hub/broker';
import { DevicePresence } from '@hub/devices';
import { IngestStats, InfluxWriter, SharedSpoolBacklog, SharedSpoolRepository, WriterListener } from '@hub/pipeline';
import { OutageSpool } from '@hub/spool';
import { SHARED_SPOOL } from '../hub.tokens';

/** Observes InfluxDB batch latency as batches complete; the writer's only link to metrics. */
@Injectable()
export class WriteLatencyMetric implements WriterListener {
  private readonly batchSeconds: Histogram;

  constructor(registry: Registry) {
    this.batchSeconds = new Histogram({
      name: 'hub_write_batch_seconds',
      help: 'Time from sending a batch to InfluxDB confirming it, retries included',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    });
  }

  batchWritten(_lines: number, seconds: number): void {
    this.batchSeconds.observe(seconds);
  }
}

/**
 * Prometheus metrics. Counters are read from IngestStats at scrape time (one source of truth, no double counting
 * on the hot path).
 */
@Injectable()
export class HubMetrics {
  constructor(
    readonly registry: Registry,
    stats: IngestStats,
    broker: MqttBroker,
    presence: DevicePresence,
    writer: InfluxWriter,
    spool: OutageSpool,
    @Inject(SHARED_SPOOL) shared: SharedSpoolRepository | null,
  ) {
    collectDefaultMetrics({ register: this.registry, prefix: 'hub_' });
    const counterFrom = (name: string, help: string, read: () => number): void => {
      new Counter({ name, help, registers: [this.registry], collect() { this.reset(); this.inc(read()); } });
    };
    const gaugeFrom = (name: string, help: string, read: () => number): void => {
      new Gauge({ name, help, registers: [this.registry], collect() { this.set(read()); } });
    };
    counterFrom('hub_readings_received_total', 'Readings received (a malformed message counts as one)', () => stats.received);
    counterFrom('hub_readings_accepted_total', 'Readings that passed validation and were taken by the writer', () => stats.accepted);
    counterFrom('hub_readings_written_total', 'Readings InfluxDB confirmed', () => stats.written);
    counterFrom('hub_readings_refused_by_influx_total', 'Accepted readings InfluxDB refused (dead-lettered)', () => stats.refusedByInflux);
    counterFrom('hub_write_errors_total', 'Failed InfluxDB write requests (each one retried)', () => stats.writeErrors);
    counterFrom('hub_write_batches_total', 'Batches written to InfluxDB', () => stats.writeBatches);
    new Counter({
      name: 'hub_readings_rejected_total',
      help: 'Readings refused by validation, by reason',
      labelNames: ['reason'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const reason of REJECT_REASON_CODES) this.inc({ reason }, stats.rejectedByReason.get(reason) ?? 0);
      },
    });
    gaugeFrom('hub_readings_buffered', 'Accepted readings held in memory or being written', () => stats.buffered);
    gaugeFrom('hub_readings_waiting_for_room', 'Readings whose acknowledgement waits for writer buffer room', () => stats.waitingForRoom);
    gaugeFrom('hub_mqtt_connected_clients', 'Connected MQTT clients', () => broker.connectedClients);
    const brokerCounters = broker.counters;
    counterFrom('hub_mqtt_broker_errors_total', "Errors the MQTT broker reported (a failed persistence call, a round of wills): logged, the broker carries on", () => brokerCounters.brokerErrors);
    counterFrom('hub_mqtt_cluster_redis_errors_total', "Errors of the MQTT fabric's Redis connections (cluster only); they reconnect by themselves, and the fabric waits meanwhile", () => brokerCounters.redisErrors);
    counterFrom('hub_mqtt_departed_wills_published_total', "Wills of a dead node's clients this node published (cluster only)", () => brokerCounters.departedWillsPublished);
    counterFrom('hub_mqtt_departed_wills_superseded_total', "Wills not published because the client had connected to another node since (a dead node's clients, or a connection taken over by another node; cluster only)", () => brokerCounters.departedWillsSuperseded);
    counterFrom('hub_mqtt_departed_wills_deferred_total', "Rounds of a dead node's wills put off because this node itself had lost Redis lately (cluster only)", () => brokerCounters.departedWillsDeferred);
    gaugeFrom('hub_devices_known', 'Devices ever seen', () => presence.size);
    counterFrom('hub_readings_duplicate_total', 'Exact resends dropped (same device, seq and ts)', () => stats.duplicates);
    counterFrom('hub_spool_replayed_batches_total', 'Batches written back to InfluxDB from the outage spool', () => stats.replayedBatches);
    gaugeFrom('hub_spool_readings', 'Acknowledged readings in the outage spool, waiting for InfluxDB', () => spool.pendingReadings);
    gaugeFrom('hub_spool_bytes', 'Size of the outage spool on disk', () => spool.bytes);
    gaugeFrom('hub_spool_max_bytes', 'Cap on the outage spool (HUB_SPOOL_MAX_BYTES)', () => spool.maxBytes);
    gaugeFrom('hub_spool_full', '1 while the outage spool is full: acknowledgements stop once memory fills up', () =>
      writer.spoolFull || spool.full ? 1 : 0,
    );
    counterFrom('hub_shared_spool_spooled_readings_total', 'Readings this node made durable in the shared spool (PostgreSQL)', () => stats.sharedSpooled);
    counterFrom('hub_shared_spool_replayed_readings_total', 'Readings this node replayed from the shared spool, whichever node spooled them', () => stats.sharedReplayed);
    if (shared !== null) this.sharedSpoolGauges(shared);
  }

  /** The shared spool's backlog, read from the database once per scrape. */
  private sharedSpoolGauges(shared: SharedSpoolRepository): void {
    let reading: { at: number; backlog: Promise<SharedSpoolBacklog | null> } | null = null;
    const backlog = (): Promise<SharedSpoolBacklog | null> => {
      // The three gauges of one scrape share one query.
      if (reading === null || Date.now() - reading.at > 500) reading = { at: Date.now(), backlog: shared.backlog().catch(() => null) };
      return reading.backlog;
    };
    const gauge = (name: string, help: string, read: (backlog: SharedSpoolBacklog) => number): void => {
      new Gauge({
        name,
        help,
        registers: [this.registry],
        async collect() {
          // A scrape the database fails keeps the last value read (health says the store is down), not a false 0.
          const current = await backlog();
          if (current !== null) this.set(read(current));
        },
      });
    };
    gauge('hub_shared_spool_rows', 'Batches in the shared spool (PostgreSQL), waiting for any node to replay them', (current) => current.rows);
    gauge('hub_shared_spool_readings', 'Acknowledged readings in the shared spool, waiting for InfluxDB', (current) => current.readings);
    gauge('hub_shared_spool_oldest_age_seconds', 'Age of the oldest batch in the shared spool (database clock); 0 when empty', (current) => (current.oldestAgeMs ?? 0) / 1000);
  }
}
