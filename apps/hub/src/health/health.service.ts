import { Inject, Injectable } from '@nestjs/common';
import type { ComponentHealth, HubHealth, HubLiveness } from '@hub/api-types';
import { MqttBroker } from '@hub/broker';
import type { LineSink } from '@hub/influx';
import { InfluxAvailability, InfluxWriter, IngestStats, SharedSpoolRepository } from '@hub/pipeline';
import { OutageSpool } from '@hub/spool';
import { Store } from '@hub/store';
import type { HubConfig } from '@hub/config';
import { LeaderLease } from '@hub/cluster';
import { HUB_CONFIG, LINE_SINK, SHARED_SPOOL } from '../hub.tokens';



@Injectable()
export class HealthService {
  constructor(
    private readonly broker: MqttBroker,
    private readonly writer: InfluxWriter,
    private readonly availability: InfluxAvailability,
    private readonly spool: OutageSpool,
    private readonly stats: IngestStats,
    @Inject(LINE_SINK) private readonly sink: LineSink,
    private readonly store: Store,
    @Inject(SHARED_SPOOL) private readonly shared: SharedSpoolRepository | null,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    private readonly lease: LeaderLease,
  ) {}

  /** Node-local only, and synchronous: a liveness check must not wait on anything a stalled dependency could hold. */
  live(): HubLiveness {
    return { status: this.broker.listening ? 'live' : 'not-live', node: this.config.cluster.nodeId };
  }

  async check(): Promise<HubHealth> {
    const broker = { ok: this.broker.listening, connectedClients: this.broker.connectedClients, mqttPort: this.broker.tcpPort, mqttsPort: this.broker.tlsPort, wsPort: this.broker.wsPort };
    const influx = await this.influxHealth();
    const store: ComponentHealth = { ...(await this.store.health()) };
    // Full: nothing more can be spooled, so acknowledgements stop as soon as InfluxDB fails or memory fills up.
    const spool = {
      ok: !this.writer.spoolFull && !this.spool.full,
      full: this.writer.spoolFull || this.spool.full,
      pendingReadings: this.spool.pendingReadings,
      bytes: this.spool.bytes,
      maxBytes: this.spool.maxBytes,
      // PostgreSQL hubs: what waits in the shared spool for any node to replay (null on SQLite, which has none).
      shared: await this.sharedBacklog(),
    };
    const ok = broker.ok && influx.ok && store.ok && spool.ok;
    const leader = { node: this.lease.nodeId, leading: this.lease.isLeader, epoch: this.lease.isLeader ? this.lease.epoch : null };
    return { status: ok ? 'ok' : 'degraded', broker, influx, store, spool, leader };
  }

  /** A backlog is not a fault (InfluxDB down fills it by design): reported, not counted against `ok`. */
  private async sharedBacklog(): Promise<Record<string, unknown> | null> {
    if (this.shared === null) return null;
    try {
      return { ...(await this.shared.backlog()) };
    } catch (error) {
      return { error: error instanceof Error ? error.message : String(error) };
    }
  }

  private async influxHealth(): Promise<ComponentHealth> {
    const writes = {
      kind: this.sink.kind,
      writesFailing: !this.availability.healthy,
      lastWriteError: this.availability.lastError,
      lastWriteAt: this.availability.lastSuccessAt,
      buffered: this.stats.buffered,
      waitingForRoom: this.stats.waitingForRoom,
    };
    const started = Date.now();
    try {
      await this.sink.ping();
      return { ok: this.availability.healthy, pingMs: Date.now() - started, ...writes };
    } catch (error) {
      return { ok: false, error: error instanceof Error ? error.message : String(error), ...writes };
    }
  }
}
