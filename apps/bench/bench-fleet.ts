import { createDeviceProfile, deriveSeed, generateMetrics, mulberry32 } from '@hub/devices-sim';
import { Domain, BUILT_IN_DOMAINS, MetricCatalogue, telemetryTopic } from '@hub/contract';
import { readingToLine } from '@hub/influx';

/** The simulated devices of a load run: one MQTT connection each, spread evenly over the five domains. */
export interface FleetOptions {
  readonly devices: number;
  readonly idPrefix: string;
  readonly seed: number;
  /**
   * Gateways: the devices are grouped, this many per gateway (`${idPrefix}gw${g}`), and each gateway's connection
   * publishes for all of its group on their own topics. Absent: every device has its own connection.
   */
  readonly childrenPerGateway?: number;
}

/** One MQTT connection of a load run: a device for itself, or a gateway for its children. */
export interface BenchConnection {
  readonly loginId: string;
  /** Message m goes to devices[m % devices.length]. */
  readonly devices: readonly BenchDevice[];
}

export interface BenchDevice {
  readonly deviceId: string;
  readonly domain: Domain;
  readonly topic: string;
  /** VALUE_VARIANTS sets of 3–5 metrics; reading i carries variant i % VALUE_VARIANTS. */
  readonly variants: ReadonlyArray<Readonly<Record<string, number>>>;
}

/**
 * Each device cycles through this many value sets, so InfluxDB compresses realistic (not constant) series while the
 * load generator only patches ts, seq and the packet id into pre-built bytes.
 */
export const VALUE_VARIANTS = 64;

/**
 * Event time of a device's reading i is tsBase + i ms: distinct per (device, ts), so InfluxDB keeps every point and a
 * count query can check that every reading landed. Readings per device are capped so phases with tsBase an hour
 * apart never overlap.
 */
export const MAX_READINGS_PER_DEVICE = 3_000_000;

/** seq counts from here so that it always has 7 digits and the payload a fixed layout. */
export const SEQ_BASE = 1_000_000;
export const TS_DIGITS = 13;
export const SEQ_DIGITS = 7;

export function planFleet(options: FleetOptions): BenchDevice[] {
  return Array.from({ length: options.devices }, (_, index) => {
    const domain = BUILT_IN_DOMAINS[index % BUILT_IN_DOMAINS.length];
    const deviceId = `${options.idPrefix}${domain}-${Math.floor(index / BUILT_IN_DOMAINS.length) + 1}`;
    return { deviceId, domain, topic: telemetryTopic(domain, deviceId), variants: metricVariants(domain, deviceId, index, options.seed) };
  });
}

/** The fleet's MQTT connections: one per device, or one per gateway of childrenPerGateway devices. */
export function planConnections(options: FleetOptions): BenchConnection[] {
  const devices = planFleet(options);
  const perGateway = options.childrenPerGateway;
  if (perGateway === undefined) return devices.map((device) => ({ loginId: device.deviceId, devices: [device] }));
  return Array.from({ length: Math.ceil(devices.length / perGateway) }, (_, gateway) => ({
    loginId: gatewayIdOf(options, gateway),
    devices: devices.slice(gateway * perGateway, (gateway + 1) * perGateway),
  }));
}

export function gatewayIdOf(options: FleetOptions, gateway: number): string {
  return `${options.idPrefix}gw${gateway + 1}`;
}

/**
 * What to provision for a fleet: the gateways first (speaking for every domain), then the devices, each naming its
 * gateway when the fleet has them.
 */
export function fleetToProvision(options: FleetOptions): Array<{ deviceId: string; domain: Domain; kind?: 'gateway'; gatewayId?: string; gatewayDomains?: readonly Domain[] }> {
  const connections = planConnections(options);
  if (options.childrenPerGateway === undefined) return connections.map(({ devices: [device] }) => ({ deviceId: device.deviceId, domain: device.domain }));
  return [
    ...connections.map(({ loginId }) => ({ deviceId: loginId, domain: BUILT_IN_DOMAINS[0], kind: 'gateway' as const, gatewayDomains: BUILT_IN_DOMAINS })),
    ...connections.flatMap(({ loginId, devices }) => devices.map(({ deviceId, domain }) => ({ deviceId, domain, gatewayId: loginId }))),
  ];
}

/** The metric every reading of a domain carries (the catalogue's first): what the count queries count. */
export function countedMetric(domain: Domain): string {
  return MetricCatalogue.BUILT_IN.metricNames(domain)[0];
}

/** JSON payload with ts and seq as fixed-width placeholders (all zeros), for the load generator to patch. */
export function payloadTemplate(metrics: Readonly<Record<string, number>>): string {
  return `{"ts":${'0'.repeat(TS_DIGITS)},"seq":${'0'.repeat(SEQ_DIGITS)},"metrics":${JSON.stringify(metrics)}}`;
}

/**
 * A message of several readings, as a device flushing what it buffered sends it: a JSON array of reading templates.
 * One set of metrics gives the single-reading object form.
 */
export function messageTemplate(readings: ReadonlyArray<Readonly<Record<string, number>>>): string {
  return readings.length === 1 ? payloadTemplate(readings[0]) : `[${readings.map(payloadTemplate).join(',')}]`;
}

/** The line the service itself would write for this reading, up to and including the space before the time. */
export function linePrefix(device: BenchDevice, variant: number): string {
  const line = readingToLine({ domain: device.domain, deviceId: device.deviceId, ts: 0, tsFromDevice: true, metrics: device.variants[variant] });
  return line.slice(0, -1);
}

/** 3, 4 or 5 metrics by device (the counted one always first), with values from the simulator's daily curves. */
function metricVariants(domain: Domain, deviceId: string, index: number, seed: number): Record<string, number>[] {
  const names = MetricCatalogue.BUILT_IN.metricNames(domain).slice(0, 3 + (index % 3));
  const random = mulberry32(deriveSeed(seed, deviceId));
  const profile = createDeviceProfile(domain, random);
  const dayStart = Date.UTC(2026, 0, 1);
  return Array.from({ length: VALUE_VARIANTS }, (_, variant) => {
    const all = generateMetrics(profile, dayStart + variant * 22 * 60_000, random);
    return Object.fromEntries(names.map((name) => [name, all[name]]));
  });
}
