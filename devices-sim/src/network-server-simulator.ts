import { DeviceLink } from './device-link';
import { chirpStackUpTopic } from './chirpstack-up-event';
import { planLoRaWanFleet } from './lorawan-fleet';
import { LoRaWanUplinkSource, SentUplink, UplinkPublish } from './lorawan-uplink-source';
import { connectMqttDeviceLink } from './mqtt-device-link';
import { NetworkServerTally } from './network-server-report';
import { planDevices, ResolvedSimulationOptions, resolveSimulationOptions, SimulationOptions, SimulationOptionsError } from './simulation-options';
import { SimulatorReport, SimulatorReportBuilder } from './simulator-report';

interface PlayedDevice {
  readonly source: LoRaWanUplinkSource;
  timer?: NodeJS.Timeout;
  finished: boolean;
}

/**
 * Plays a ChirpStack v4 network server: ONE MQTT client (its MQTT integration) publishes every simulated water
 * meter's uplinks as up events on application/{applicationId}/device/{devEui}/event/up, at the run's QoS (default 1).
 * One connection keeps the events of a device in the order they were published [MQTT-4.6.0-6], so an out-of-order
 * fCnt reaches the hub exactly as the fault planned it. Same life cycle as DeviceSimulator: start, done, stop.
 * The report counts uplinks as readings (valid = decodable) and adds `networkServer` with the events per kind.
 */
export class NetworkServerSimulator {
  private readonly options: ResolvedSimulationOptions;
  private readonly clientId: string;
  private readonly devices: PlayedDevice[];
  private readonly builder: SimulatorReportBuilder;
  private readonly tally: NetworkServerTally;
  private readonly pending = new Set<SentUplink>();
  private link: DeviceLink | undefined;
  private durationTimer: NodeJS.Timeout | undefined;
  private connecting: Promise<void> | undefined;
  private stopping: Promise<SimulatorReport> | undefined;
  private drainWaiters: Array<() => void> = [];
  private markDone!: (report: SimulatorReport) => void;
  readonly done = new Promise<SimulatorReport>((resolve) => (this.markDone = resolve));

  /** Throws SimulationOptionsError or FaultSpecError before anything connects. */
  constructor(options: SimulationOptions) {
    this.options = resolveSimulationOptions(options);
    const o = this.options;
    if (o.networkServer === undefined) throw new SimulationOptionsError('networkServer', undefined, 'chirpstack: NetworkServerSimulator plays a network server');
    this.clientId = `${o.idPrefix}chirpstack`;
    const fleet = planLoRaWanFleet(o.seed, o.applicationId, planDevices(o));
    this.builder = new SimulatorReportBuilder({ seed: o.seed, qos: o.qos, domains: o.domains, plannedDevices: fleet.devices.length }, false);
    this.tally = new NetworkServerTally(
      { applicationId: o.applicationId, clientId: this.clientId, devices: fleet.devices.map((device) => ({ deviceId: device.target.deviceId, devEui: device.devEui })) },
      o.recordReadings,
    );
    this.devices = fleet.devices.map((device) => ({
      source: new LoRaWanUplinkSource({
        device,
        fleet,
        seed: o.seed,
        intervalMs: o.intervalMs,
        startTs: o.startTs,
        count: o.count,
        faults: o.uplinkFaults,
        catalogue: o.catalogue,
      }),
      finished: false,
    }));
  }

  /** Connects the integration's client and starts every device's uplinks; resolves once connected (or refused). */
  start(): Promise<void> {
    this.connecting ??= this.connectAndPlay();
    return this.connecting;
  }

  /** Ends the run early (or confirms its end) and returns the final report. Idempotent. */
  stop(): Promise<SimulatorReport> {
    this.stopping ??= this.shutDown();
    return this.stopping;
  }

  report(): SimulatorReport {
    return { ...this.builder.snapshot(), networkServer: this.tally.snapshot() };
  }

  private async connectAndPlay(): Promise<void> {
    const o = this.options;
    if (o.durationMs !== undefined) this.durationTimer = setTimeout(() => void this.stop(), o.durationMs);
    try {
      this.link = await (o.linkFactory ?? connectMqttDeviceLink)({
        url: o.url,
        clientId: this.clientId,
        clean: o.clean,
        keepaliveS: o.keepaliveS,
        connectTimeoutMs: o.connectTimeoutMs,
        reconnectPeriodMs: o.reconnectPeriodMs,
        onReconnect: () => this.builder.reconnected(),
      });
    } catch (error) {
      this.builder.connectFailed(this.clientId, error instanceof Error ? error : new Error(String(error)));
      void this.stop();
      return;
    }
    if (this.stopping !== undefined) return;
    // Every device is "connected" through the network server once its integration is.
    for (let index = 0; index < this.devices.length; index++) this.builder.deviceConnected();
    // Class A meters transmit when they like: spread the first uplinks over one interval instead of a burst.
    const spacing = o.publishIntervalMs / Math.max(1, this.devices.length);
    this.devices.forEach((device, index) => {
      device.timer = setTimeout(() => {
        this.tick(device);
        if (!device.finished) device.timer = setInterval(() => this.tick(device), o.publishIntervalMs);
      }, Math.floor(index * spacing));
    });
  }

  private tick(device: PlayedDevice): void {
    if (device.finished || this.stopping !== undefined) return;
    for (const publish of device.source.next()) this.publish(publish);
    if (device.source.exhausted) {
      this.finish(device);
      if (this.devices.every((each) => each.finished)) void this.stop();
    }
  }

  private publish(publish: UplinkPublish): void {
    const link = this.link;
    if (link === undefined) return;
    const { uplink } = publish;
    this.tally.published(publish);
    if (publish.repeat) {
      this.builder.messageRepeated('water');
    } else {
      this.builder.messageSent(
        'water',
        [{ deviceId: uplink.deviceId, domain: 'water', reading: uplink.reading, ts: uplink.time, metrics: uplink.metrics ?? {}, valid: uplink.expectedRefusal === undefined, acked: false }],
        [],
      );
    }
    this.pending.add(uplink);
    link.publish(chirpStackUpTopic(this.options.applicationId, uplink.devEui), publish.payload, { qos: this.options.qos }, (error) => {
      if (error) {
        this.builder.publishFailed(uplink.deviceId, error);
      } else if (this.options.qos === 1) {
        this.tally.acked();
        if (!uplink.acked) {
          uplink.acked = true;
          this.builder.readingsAcked('water', 1);
        }
      }
      // A duplicate's two publishes settle separately; the uplink is settled once both did (or once one acked).
      if (uplink.acked || error || this.options.qos === 0) this.pending.delete(uplink);
      if (this.pending.size === 0) this.wakeDrainWaiters();
    });
  }

  private async shutDown(): Promise<SimulatorReport> {
    if (this.durationTimer !== undefined) clearTimeout(this.durationTimer);
    await this.connecting;
    for (const device of this.devices) this.finish(device);
    const link = this.link;
    if (link !== undefined) {
      await this.drained(this.options.drainTimeoutMs);
      await link.close(Math.max(this.options.drainTimeoutMs, 1000));
      const unacked = [...this.pending].filter((uplink) => !uplink.acked).length;
      if (unacked > 0 && this.options.qos === 1) this.builder.readingsUnacked(unacked);
      this.pending.clear();
    }
    this.builder.finish();
    const report = this.report();
    this.markDone(report);
    return report;
  }

  private finish(device: PlayedDevice): void {
    device.finished = true;
    if (device.timer !== undefined) {
      clearTimeout(device.timer);
      clearInterval(device.timer);
    }
    device.timer = undefined;
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
}
