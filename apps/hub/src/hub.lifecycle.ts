import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { MqttBroker } from '@hub/broker';
import type { HubConfig } from '@hub/config';
import type { LineSink } from '@hub/influx';
import { DevicePresence, DeviceRegistryService } from '@hub/devices';
import { DeadLetterWriter, InfluxWriter, SpoolReplayer, IngestService, IngestStats, SharedReplaySource } from '@hub/pipeline';
import { OutageSpool } from '@hub/spool';
import { type SqliteDatabase, Store } from '@hub/store';
import type { ClusterBus } from '@hub/cluster';
import { CLUSTER_BUS, HUB_CONFIG, LINE_SINK, SHARED_SPOOL_REPLAY, SQLITE_DATABASE } from './hub.tokens';
import { DownsamplingService } from './retention/downsampling.service';

/** How long a graceful stop may spend getting what is in memory to InfluxDB or the spool. */
const DRAIN_TIMEOUT_MS = 10_000;

/**
 * Start-up and shutdown order. Start: InfluxDB prepared (or not yet reachable: readings are spooled) → retention
 * policies set up (a shrink that would drop data stops here unless confirmed) → spool replay →
 * broker listening. Stop (SIGTERM/SIGINT): refuse new messages (no PUBACK, devices resend them) → get what is in
 * memory to InfluxDB or the spool, acknowledging it → commit the dead letters held, acknowledging them → close MQTT →
 * stop replay, release this node's claims on the shared spool, close the local spool → write the registry rows the broker queued and device presence → close the database.
 */
@Injectable()
export class HubLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(HubLifecycle.name);

  constructor(
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    @Inject(LINE_SINK) private readonly sink: LineSink,
    @Inject(SQLITE_DATABASE) private readonly db: SqliteDatabase | null,
    private readonly store: Store,
    private readonly broker: MqttBroker,
    private readonly ingest: IngestService,
    private readonly writer: InfluxWriter,
    private readonly replayer: SpoolReplayer,
    private readonly spool: OutageSpool,
    private readonly presence: DevicePresence,
    private readonly registry: DeviceRegistryService,
    private readonly stats: IngestStats,
    private readonly downsampling: DownsamplingService,
    private readonly deadLetters: DeadLetterWriter,
    @Inject(CLUSTER_BUS) private readonly bus: ClusterBus,
    @Inject(SHARED_SPOOL_REPLAY) private readonly sharedReplay: SharedReplaySource | null,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    try {
      await this.sink.prepare();
    } catch (error) {
      // Not fatal: readings are buffered and retried until InfluxDB answers; health says it is down meanwhile.
      this.logger.warn({ msg: `InfluxDB at ${this.config.influx.url} is not ready; readings are spooled until it is`, error });
    }
    // Before any reading is taken: an unconfirmed retention change that would drop data stops the start here.
    await this.downsampling.setUp();
    // Claims an earlier run of this node held when it was killed: free for any node now rather than at their expiry.
    await this.sharedReplay?.release();
    this.replayer.start();
    // Up to twice the payload limit is read and dead-lettered as PAYLOAD_TOO_LARGE with its start; beyond that
    // the connection is closed before the body is buffered.
    const tls = this.config.perimeter.tls;
    // In a cluster the broker shares sessions, retained messages, wills, offline queues and fan-out with the other
    // nodes' through Redis, under this node's id.
    const { nodeId, redis } = this.config.cluster;
    await this.broker.start({
      ...this.config.mqtt,
      proxyPort: this.config.cluster.mqttProxyPort,
      tls,
      tlsPort: tls?.mqttsPort ?? null,
      maxPacketBytes: 2 * this.config.validation.maxPayloadBytes + 65_536,
      offlineQueueLimit: this.config.perimeter.offlineQueueLimit,
      cluster: redis === null ? null : { nodeId, redis },
    });
  }

  @Interval('persist-device-presence', 2000)
  async persistPresence(): Promise<void> {
    try {
      await this.presence.persist();
    } catch (error) {
      // Kept as changed: the next run writes it.
      this.logger.error({ msg: 'Could not persist device presence; retrying in 2 s', error });
    }
  }

  async onApplicationShutdown(signal?: string): Promise<void> {
    this.logger.log(`Stopping (${signal ?? 'shutdown'})`);
    this.ingest.stopAccepting();
    const drained = await this.writer.drain(DRAIN_TIMEOUT_MS);
    if (!drained) {
      // Not acknowledged, so not lost: the devices still hold these messages and resend them.
      this.logger.error({ msg: 'Readings in memory were neither written nor spooled before the stop deadline', buffered: this.stats.buffered });
    }
    const buffered = this.deadLetters.buffered;
    if (!(await this.deadLetters.close(DRAIN_TIMEOUT_MS))) {
      // Their messages are not acknowledged either: the devices resend them.
      this.logger.error({ msg: 'Dead letters in memory were not committed before the stop deadline', buffered });
    }
    await this.broker.stop();
    await this.replayer.stop();
    // Another node takes the shared spool batches this one held at once, instead of after their claims expire.
    await this.sharedReplay?.release();
    await this.spool.close();
    try {
      await this.registry.flushBrokerWrites();
    } catch (error) {
      this.logger.error({ msg: 'Registry rows written on the broker side could not be stored before the stop (quarantine bookkeeping: the devices knock again)', unwritten: this.registry.unwrittenBrokerRows, error });
    }
    this.registry.close();
    try {
      await this.presence.persist();
    } catch (error) {
      this.logger.error({ msg: 'Could not persist device presence before the stop', error });
    }
    await this.store.close();
    this.db?.close();
    await this.bus.close();
    this.logger.log({ msg: 'Stopped', ...this.stats.snapshot() });
  }
}
