import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { MqttBroker } from '../../../libs/broker/src/mqtt-broker';
import type { HubConfig } from '../../../libs/config/src';
import type { LineSink } from '../../../libs/influx/src/line-sink';
import { DevicePresence } from '../../../libs/pipeline/src/device-presence';
import { InfluxWriter } from '../../../libs/pipeline/src/influx-writer';
import { IngestService } from '../../../libs/pipeline/src/ingest.service';
import { IngestStats } from '../../../libs/pipeline/src/ingest-stats';
import type { SqliteDatabase } from '../../../libs/store/src';
import { HUB_CONFIG, LINE_SINK, SQLITE_DATABASE } from './hub.tokens';

/** How long a graceful stop may spend sending what is buffered to InfluxDB. */
const DRAIN_TIMEOUT_MS = 10_000;

/**
 * Start-up and shutdown order. Start: InfluxDB reachable and prepared → broker listening.
 * Stop (SIGTERM/SIGINT): refuse new messages (no PUBACK, devices resend) → close MQTT → flush the writer →
 * persist device presence → close the database.
 */
@Injectable()
export class HubLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(HubLifecycle.name);

  constructor(
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    @Inject(LINE_SINK) private readonly sink: LineSink,
    @Inject(SQLITE_DATABASE) private readonly db: SqliteDatabase,
    private readonly broker: MqttBroker,
    private readonly ingest: IngestService,
    private readonly writer: InfluxWriter,
    private readonly presence: DevicePresence,
    private readonly stats: IngestStats,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    try {
      await this.sink.prepare();
    } catch (error) {
      // Not fatal: readings are buffered and retried until InfluxDB answers; health says it is down meanwhile.
      this.logger.warn({ msg: `InfluxDB at ${this.config.influx.url} is not ready; readings will be retried until it is`, error });
    }
    await this.broker.start(this.config.mqtt);
  }

  @Interval('persist-device-presence', 2000)
  persistPresence(): void {
    this.presence.persist();
  }

  async onApplicationShutdown(signal?: string): Promise<void> {
    this.logger.log(`Stopping (${signal ?? 'shutdown'})`);
    this.ingest.stopAccepting();
    await this.broker.stop();
    const drained = await this.writer.drain(DRAIN_TIMEOUT_MS);
    if (!drained) {
      this.logger.error({ msg: 'InfluxDB did not take all buffered readings before the stop deadline', buffered: this.stats.buffered });
    }
    this.presence.persist();
    this.db.close();
    this.logger.log({ msg: 'Stopped', ...this.stats.snapshot() });
  }
}
