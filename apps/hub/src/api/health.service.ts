import { Inject, Injectable } from '@nestjs/common';
import { MqttBroker } from '../../../../libs/broker/src/mqtt-broker';
import type { LineSink } from '../../../../libs/influx/src/line-sink';
import { InfluxWriter } from '../../../../libs/pipeline/src/influx-writer';
import { IngestStats } from '../../../../libs/pipeline/src/ingest-stats';
import type { SqliteDatabase } from '../../../../libs/store/src';
import { LINE_SINK, SQLITE_DATABASE } from '../hub.tokens';

export interface ComponentHealth {
  readonly ok: boolean;
  readonly [detail: string]: unknown;
}

export interface HubHealth {
  readonly status: 'ok' | 'degraded';
  readonly broker: ComponentHealth;
  readonly influx: ComponentHealth;
  readonly store: ComponentHealth;
}

@Injectable()
export class HealthService {
  constructor(
    private readonly broker: MqttBroker,
    private readonly writer: InfluxWriter,
    private readonly stats: IngestStats,
    @Inject(LINE_SINK) private readonly sink: LineSink,
    @Inject(SQLITE_DATABASE) private readonly db: SqliteDatabase,
  ) {}

  async check(): Promise<HubHealth> {
    const broker = { ok: this.broker.listening, connectedClients: this.broker.connectedClients, mqttPort: this.broker.tcpPort, wsPort: this.broker.wsPort };
    const influx = await this.influxHealth();
    let store: ComponentHealth;
    try {
      this.db.prepare('SELECT 1').get();
      store = { ok: true };
    } catch (error) {
      store = { ok: false, error: error instanceof Error ? error.message : String(error) };
    }
    const ok = broker.ok && influx.ok && store.ok;
    return { status: ok ? 'ok' : 'degraded', broker, influx, store };
  }

  private async influxHealth(): Promise<ComponentHealth> {
    const writes = {
      kind: this.sink.kind,
      writesFailing: !this.writer.healthy,
      lastWriteError: this.writer.lastError,
      lastWriteAt: this.writer.lastSuccessAt,
      buffered: this.stats.buffered,
      waitingForRoom: this.stats.waitingForRoom,
    };
    const started = Date.now();
    try {
      await this.sink.ping();
      return { ok: this.writer.healthy, pingMs: Date.now() - started, ...writes };
    } catch (error) {
      return { ok: false, error: error instanceof Error ? error.message : String(error), ...writes };
    }
  }
}
