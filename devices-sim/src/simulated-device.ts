import { commandReplyTopic, commandsTopic, configReportedTopic, configTopic, statusTopic, telemetryTopic } from '@hub/contract';
import { handleCommand, intervalFromConfig } from './device-command.handler';
import { DeviceLink, DeviceLinkFactory } from './device-link';
import { FaultTarget } from './fault-plan';
import { SimulatorReportBuilder } from './simulator-report';
import { DeviceMessage, TelemetryMessageSource } from './telemetry-message-source';

export interface SimulatedDeviceConfig {
  readonly url: string;
  readonly qos: 0 | 1;
  readonly clean: boolean;
  readonly keepaliveS: number;
  readonly connectTimeoutMs: number;
  readonly reconnectPeriodMs: number;
  readonly publishIntervalMs: number;
  /** Longest wait for outstanding PUBACKs before closing or dropping the connection. */
  readonly drainTimeoutMs: number;
  readonly credentials?: ReadonlyMap<string, string>;
  /** Subscribe to commands and config, obey set-interval and a desired intervalS (see SimulationOptions). */
  readonly obeyCommands?: boolean;
}

interface PendingPublish {
  readonly message: DeviceMessage;
  settled: boolean;
}

/**
 * One field device: one MQTT connection (clientId = device id), a retained last will "offline" on its status topic,
 * retained "online" once connected, then a publish every publishIntervalMs until its message source is exhausted.
 */
export class SimulatedDevice {
  private link: DeviceLink | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly pending = new Set<PendingPublish>();
  private drainWaiters: Array<() => void> = [];
  private closed = false;
  /** The wall-clock publish interval, changed by set-interval or a desired config. */
  private intervalMs: number;
  private markFinished!: () => void;
  /** Resolves when the device has nothing more to send: source exhausted, connection dropped, or never connected. */
  readonly finished = new Promise<void>((resolve) => (this.markFinished = resolve));

  constructor(
    readonly target: FaultTarget,
    private readonly source: TelemetryMessageSource,
    private readonly config: SimulatedDeviceConfig,
    private readonly report: SimulatorReportBuilder,
    private readonly linkFactory: DeviceLinkFactory,
  ) {
    this.intervalMs = config.publishIntervalMs;
  }

  /** Connects and announces itself; false (and counted) when the broker could not be reached. */
  async connect(): Promise<boolean> {
    const { deviceId, domain } = this.target;
    try {
      this.link = await this.linkFactory({
        url: this.config.url,
        clientId: deviceId,
        ...this.credentialsOf(deviceId),
        clean: this.config.clean,
        keepaliveS: this.config.keepaliveS,
        connectTimeoutMs: this.config.connectTimeoutMs,
        reconnectPeriodMs: this.config.reconnectPeriodMs,
        onReconnect: () => this.report.reconnected(),
        will: { topic: statusTopic(domain, deviceId), payload: 'offline', qos: 1, retain: true },
      });
    } catch (error) {
      this.report.connectFailed(deviceId, asError(error));
      this.closed = true;
      this.markFinished();
      return false;
    }
    this.report.deviceConnected();
    this.link.publish(statusTopic(domain, deviceId), 'online', { qos: 1, retain: true }, (error) => {
      if (error) this.report.publishFailed(deviceId, error);
    });
    if (this.config.obeyCommands === true && this.link.subscribe !== undefined) {
      this.link.subscribe([commandsTopic(domain, deviceId), configTopic(domain, deviceId)], (topic, payload) => this.obey(topic, payload));
      this.reportConfig();
    }
    return true;
  }

  /** A command (replied to on commands/reply) or a desired config (applied and reported on config/reported). */
  private obey(topic: string, payload: string): void {
    const link = this.link;
    if (link === undefined || this.closed) return;
    const { deviceId, domain } = this.target;
    if (topic === commandsTopic(domain, deviceId)) {
      const outcome = handleCommand(payload);
      if (outcome === null) return;
      if (outcome.intervalS !== undefined) this.changeInterval(outcome.intervalS * 1000);
      link.publish(commandReplyTopic(domain, deviceId), JSON.stringify(outcome.reply), { qos: 1 }, () => undefined);
      if (outcome.intervalS !== undefined) this.reportConfig();
    } else {
      const intervalS = intervalFromConfig(payload);
      if (intervalS === null) return;
      this.changeInterval(intervalS * 1000);
      this.reportConfig();
    }
  }

  private reportConfig(): void {
    const { deviceId, domain } = this.target;
    this.link?.publish(configReportedTopic(domain, deviceId), JSON.stringify({ intervalS: this.intervalMs / 1000 }), { qos: 1 }, () => undefined);
  }

  private changeInterval(ms: number): void {
    this.intervalMs = ms;
    if (this.timer === undefined) return;
    clearInterval(this.timer);
    this.timer = setInterval(() => this.tick(), ms);
  }

  private credentialsOf(deviceId: string): { username?: string; password?: string } {
    const secret = this.config.credentials?.get(deviceId);
    return secret === undefined ? {} : { username: deviceId, password: secret };
  }

  /** Publishes the first message now, then one every publishIntervalMs. */
  start(): void {
    if (this.link === undefined || this.closed) return;
    this.tick();
    if (!this.closed && !this.source.exhausted) {
      this.timer = setInterval(() => this.tick(), this.intervalMs);
    }
  }

  /**
   * Stops publishing, waits up to drainTimeoutMs for outstanding PUBACKs, sets the retained status to "offline"
   * (a clean DISCONNECT discards the will) and disconnects. Safe to call more than once.
   */
  async stop(): Promise<void> {
    this.stopTimer();
    if (this.link === undefined) {
      // Never connected (or the run stopped before its turn came).
      this.closed = true;
      this.markFinished();
      return;
    }
    if (this.closed) {
      // Already dropped, or dropping after a silent fault.
      await this.finished;
      return;
    }
    this.closed = true;
    const link = this.link;
    const drainTimeoutMs = this.config.drainTimeoutMs;
    await this.drained(drainTimeoutMs);
    const { deviceId, domain } = this.target;
    link.publish(statusTopic(domain, deviceId), 'offline', { qos: 1, retain: true }, () => undefined);
    await link.close(Math.max(drainTimeoutMs, 1000));
    this.settleUnacked();
    this.finish();
  }

  private tick(): void {
    if (this.closed || this.link === undefined) return;
    if (this.source.exhausted) {
      this.finish();
      return;
    }
    const message = this.source.next();
    if (message.payload !== undefined) this.publish(this.link, message, message.payload);
    if (message.disconnect) {
      this.closed = true;
      this.stopTimer();
      void this.dropAfterDrain(this.link);
    } else if (this.source.exhausted) {
      this.finish();
    }
  }

  /**
   * A silent device with disconnect loses its connection without DISCONNECT. Its earlier publishes get their
   * PUBACKs first, so "acked" stays a clean count of what the broker took; the fault is the silence and the drop.
   */
  private async dropAfterDrain(link: DeviceLink): Promise<void> {
    await this.drained(this.config.drainTimeoutMs);
    link.drop();
    this.report.deviceDropped();
    this.settleUnacked();
    this.finish();
  }

  private publish(link: DeviceLink, message: DeviceMessage, payload: string): void {
    const { deviceId, domain } = this.target;
    const entry: PendingPublish = { message, settled: false };
    this.pending.add(entry);
    this.report.messageSent(domain, message.readings, message.expectedRejections);
    link.publish(telemetryTopic(domain, deviceId), payload, { qos: this.config.qos }, (error) => {
      if (entry.settled) return;
      entry.settled = true;
      this.pending.delete(entry);
      if (error) {
        this.report.publishFailed(deviceId, error);
      } else if (this.config.qos === 1) {
        for (const reading of message.readings) reading.acked = true;
        this.report.readingsAcked(domain, message.readings.length);
      }
      if (this.pending.size === 0) this.wakeDrainWaiters();
    });
  }

  private drained(timeoutMs: number): Promise<void> {
    if (this.pending.size === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.drainWaiters.push(done);
    });
  }

  private wakeDrainWaiters(): void {
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const wake of waiters) wake();
  }

  /** Publishes whose callback will never come now that the connection is gone. */
  private settleUnacked(): void {
    let readings = 0;
    for (const entry of this.pending) {
      entry.settled = true;
      if (this.config.qos === 1) readings += entry.message.readings.length;
    }
    this.pending.clear();
    if (readings > 0) this.report.readingsUnacked(readings);
    this.wakeDrainWaiters();
  }

  private finish(): void {
    this.stopTimer();
    this.markFinished();
  }

  private stopTimer(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
