import { DeviceLinkFactory } from './device-link';
import { connectMqttDeviceLink } from './mqtt-device-link';
import { SimulatedDevice } from './simulated-device';
import { gatewayDeviceLinks } from './gateway-device-link';
import { NetworkServerSimulator } from './network-server-simulator';
import { planDevices, planGateways, ResolvedSimulationOptions, resolveSimulationOptions, SimulationOptions, SimulationOptionsError } from './simulation-options';
import { SimulatorReport, SimulatorReportBuilder } from './simulator-report';
import { TelemetryMessageSource } from './telemetry-message-source';

/**
 * Runs a fleet of simulated devices. Connections open connectConcurrency at a time (10,000 sockets opened at once
 * would overwhelm both the broker's accept queue and this process). The run ends by itself when every device has
 * sent `count` readings or `durationMs` has passed, or when stop() is called; either way every timer and socket is
 * closed, so the process (or jest) can exit on its own.
 */
export class DeviceSimulator {
  private readonly options: ResolvedSimulationOptions;
  private readonly devices: SimulatedDevice[];
  private readonly builder: SimulatorReportBuilder;
  private readonly linkFactory: DeviceLinkFactory;
  private durationTimer: NodeJS.Timeout | undefined;
  private connecting: Promise<void> | undefined;
  private stopping: Promise<SimulatorReport> | undefined;
  private markDone!: (report: SimulatorReport) => void;
  /** Resolves with the final report when the run ends, by itself or through stop(). */
  readonly done = new Promise<SimulatorReport>((resolve) => (this.markDone = resolve));

  /** Throws SimulationOptionsError or FaultSpecError before anything connects. */
  constructor(options: SimulationOptions) {
    this.options = resolveSimulationOptions(options);
    const o = this.options;
    if (o.networkServer !== undefined) throw new SimulationOptionsError('networkServer', o.networkServer, 'played by NetworkServerSimulator (createSimulator picks it)');
    const gateways = planGateways(o);
    const base = o.linkFactory ?? connectMqttDeviceLink;
    this.linkFactory = gateways.length === 0 ? base : gatewayDeviceLinks(base, gateways, o.credentials);
    const targets = planDevices(o);
    this.builder = new SimulatorReportBuilder({ seed: o.seed, qos: o.qos, domains: o.domains, plannedDevices: targets.length }, o.recordReadings);
    this.devices = targets.map((target) => {
      const source = new TelemetryMessageSource({
        target,
        seed: o.seed,
        intervalMs: o.intervalMs,
        batchSize: o.batchSize,
        startTs: o.startTs,
        timestampFormat: o.timestampFormat,
        withSeq: o.withSeq,
        count: o.count,
        faults: o.faults,
        catalogue: o.catalogue,
        payloadFormat: o.payloadFormat,
      });
      return new SimulatedDevice(target, source, o, this.builder, this.linkFactory);
    });
  }

  /**
   * Opens every connection (each device starts publishing as soon as it is connected) and resolves when all
   * connection attempts are over. Await `done` (or use runSimulation) for the end of the run.
   */
  start(): Promise<void> {
    if (this.connecting !== undefined) return this.connecting;
    if (this.options.durationMs !== undefined) {
      this.durationTimer = setTimeout(() => void this.stop(), this.options.durationMs);
    }
    if (this.options.count !== undefined) {
      void Promise.all(this.devices.map((device) => device.finished)).then(() => this.stop());
    }
    this.connecting = this.connectAll();
    return this.connecting;
  }

  /** Ends the run early (or confirms its end) and returns the final report. Idempotent. */
  stop(): Promise<SimulatorReport> {
    this.stopping ??= this.shutDown();
    return this.stopping;
  }

  /** The report so far; counters keep moving while the run goes. */
  report(): SimulatorReport {
    return this.builder.snapshot();
  }

  private async connectAll(): Promise<void> {
    let next = 0;
    const worker = async (): Promise<void> => {
      while (this.stopping === undefined && next < this.devices.length) {
        const device = this.devices[next++];
        if (await device.connect()) {
          if (this.stopping === undefined) device.start();
        }
      }
    };
    const workers = Math.min(this.options.connectConcurrency, this.devices.length);
    await Promise.all(Array.from({ length: workers }, worker));
  }

  private async shutDown(): Promise<SimulatorReport> {
    if (this.durationTimer !== undefined) clearTimeout(this.durationTimer);
    // Let connection attempts in flight finish (each is bounded by connectTimeoutMs) so none is left open.
    await this.connecting;
    await Promise.all(this.devices.map((device) => device.stop()));
    this.builder.finish();
    const report = this.builder.snapshot();
    this.markDone(report);
    return report;
  }
}

/** What the CLI and tests drive: devices on the hub's broker, or a network server publishing for its devices. */
export interface Simulator {
  start(): Promise<void>;
  stop(): Promise<SimulatorReport>;
  report(): SimulatorReport;
  readonly done: Promise<SimulatorReport>;
}

/** A NetworkServerSimulator when options.networkServer is set, else a DeviceSimulator. */
export function createSimulator(options: SimulationOptions): Simulator {
  return options.networkServer === undefined ? new DeviceSimulator(options) : new NetworkServerSimulator(options);
}

/** Runs a bounded simulation (count and/or durationMs) to its end and returns what was sent. */
export async function runSimulation(options: SimulationOptions): Promise<SimulatorReport> {
  if (options.count === undefined && options.durationMs === undefined) {
    throw new SimulationOptionsError('count', undefined, 'runSimulation needs count and/or durationMs; use createSimulator to run until stop()');
  }
  const simulator = createSimulator(options);
  await simulator.start();
  return simulator.done;
}
