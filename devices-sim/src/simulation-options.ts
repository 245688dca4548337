import { BUILT_IN_DOMAINS, DEVICE_ID_PATTERN, Domain, domainChoices, MetricCatalogue } from '@hub/contract';
import { DeviceLinkFactory } from './device-link';
import type { GatewayPlan } from './gateway-device-link';
import { checkFaultSpec, FaultSpec, FaultTarget } from './fault-plan';
import { defaultApplicationId } from './lorawan-fleet';
import { checkNetworkServerOptions, checkPayloadFormatOptions, NetworkServerKind } from './simulation-mode-options';
import { SimulationOptionsError } from './simulation-options.error';
import { TIMESTAMP_FORMATS, TimestampFormat } from './telemetry-message-source';
import { UplinkFaultSpec } from './uplink-fault-plan';
import { PayloadFormat } from './vendor-payload';

export interface SimulationOptions {
  /** mqtt://host:port, mqtts://, ws://host:port or wss://. */
  readonly url: string;
  /** Default: the five built-in domains. */
  readonly domains?: readonly Domain[];
  /** What readings are drawn from and checked against. Default the built-in catalogue; the CLI's --api reads the hub's. */
  readonly catalogue?: MetricCatalogue;
  /** Default 1. */
  readonly devicesPerDomain?: number;
  /** Device ids are `${idPrefix}${domain}-${n}`, n from 1. Default 'sim-'. */
  readonly idPrefix?: string;
  /** Event-time spacing of readings, and wall-clock spacing per reading. Default 1000. */
  readonly intervalMs?: number;
  /** Stop each device after this many readings (silent slots count). */
  readonly count?: number;
  /** Stop the whole run after this long. */
  readonly durationMs?: number;
  /** Default 1, so every reading can be matched with a PUBACK. */
  readonly qos?: 0 | 1;
  /** Default true; false asks the broker for a persistent session. */
  readonly clean?: boolean;
  /**
   * Default false. True: each device subscribes to its commands and config topics, obeys `set-interval` and a desired
   * `intervalS` (its wall-clock publish interval), replies, and reports its applied config; a gateway's child does it
   * on its own topics over the gateway's connection. Off by default: two
   * subscriptions per device make the broker forward every reading through aedes once past 64 filters in all.
   */
  readonly obeyCommands?: boolean;
  /** Readings per publish (>1: a JSON array, as a device that buffered while offline sends). Default 1. */
  readonly batchSize?: number;
  /** Wall-clock time between publishes of one device. Default intervalMs × batchSize (event time keeps pace). */
  readonly publishIntervalMs?: number;
  /** Event time of each device's first reading, epoch ms. Default: now, minus (batchSize − 1) × intervalMs. */
  readonly startTs?: number;
  /** Default 'epoch-ms'; 'none' omits ts so the hub uses its receive time. */
  readonly timestampFormat?: TimestampFormat;
  /** Add seq = the reading number (1, 2, 3 …) to each reading. Default false. */
  readonly withSeq?: boolean;
  /** Default 1: runs are reproducible unless asked otherwise. */
  readonly seed?: number;
  /** Connections being opened at once. Default 100. */
  readonly connectConcurrency?: number;
  /** Default 10000. */
  readonly connectTimeoutMs?: number;
  /** Pause before reconnecting after a lost connection (0 = never). Default 1000. */
  readonly reconnectPeriodMs?: number;
  /** MQTT keep-alive in seconds. Default 30. */
  readonly keepaliveS?: number;
  /** At the end, how long to wait for outstanding PUBACKs before closing anyway. Default 10000. */
  readonly drainTimeoutMs?: number;
  readonly faults?: readonly FaultSpec[];
  /** Keep every sent reading in the report (memory grows with the run). Default false. */
  readonly recordReadings?: boolean;
  /** Replaces the MQTT connection, for unit tests. */
  readonly linkFactory?: DeviceLinkFactory;
  /**
   * Device id → secret, from provisioning (the hub's API, or a credentials CSV). A device found here connects with its
   * id as username and the secret as password; one missing connects without credentials (a hub in quarantine mode
   * takes it, otherwise it is refused and counted as a connect failure).
   */
  readonly credentials?: DeviceCredentials;
  /**
   * Play gateways (DTUs, concentrators): this many, each publishing for `childrenPerGateway` devices on the devices'
   * own topics over its one connection, instead of devicesPerDomain devices per domain each on its own. Default 0.
   */
  readonly gateways?: number;
  /** With gateways: devices per gateway, given the run's domains in turn. Default 10. */
  readonly childrenPerGateway?: number;
  /**
   * Play a LoRaWAN network server instead of devices on the hub's broker: one MQTT client (its integration) publishes
   * each device's uplinks as ChirpStack v4 up events on application/{applicationId}/device/{devEui}/event/up to the
   * broker at `url`. The devices are WM-11 water meters (water-meter-frame.ts), so the domain is water.
   */
  readonly networkServer?: NetworkServerKind;
  /** The ChirpStack application the devices belong to. Default: a UUID derived from the seed. */
  readonly applicationId?: string;
  /** With networkServer: undecodable frames, a failing codec, duplicate and out-of-order fCnt (uplink-fault-plan.ts). */
  readonly uplinkFaults?: readonly UplinkFaultSpec[];
  /** Default 'contract'; 'vendor-json' and 'hex' play water loggers speaking their vendor's format (vendor-payload.ts). */
  readonly payloadFormat?: PayloadFormat;
}

export type DeviceCredentials = ReadonlyMap<string, string>;

export type ResolvedSimulationOptions = Required<Omit<SimulationOptions, 'count' | 'durationMs' | 'linkFactory' | 'credentials' | 'networkServer'>> &
  Pick<SimulationOptions, 'count' | 'durationMs' | 'linkFactory' | 'credentials' | 'networkServer'>;

export { SimulationOptionsError } from './simulation-options.error';

const URL_PROTOCOLS = ['mqtt:', 'mqtts:', 'tcp:', 'ws:', 'wss:'];

/** Applies defaults and checks every option once, before any connection is opened. */
export function resolveSimulationOptions(options: SimulationOptions): ResolvedSimulationOptions {
  const intervalMs = options.intervalMs ?? 1000;
  const batchSize = options.batchSize ?? 1;
  const payloadFormat = options.payloadFormat ?? 'contract';
  // LoRaWAN meters and the vendor formats are water devices; the contract's devices play every domain.
  const onlyWater = options.networkServer !== undefined || payloadFormat !== 'contract';
  const resolved: ResolvedSimulationOptions = {
    url: options.url,
    domains: options.domains ?? (onlyWater ? ['water'] : BUILT_IN_DOMAINS),
    catalogue: options.catalogue ?? MetricCatalogue.BUILT_IN,
    devicesPerDomain: options.devicesPerDomain ?? 1,
    idPrefix: options.idPrefix ?? 'sim-',
    intervalMs,
    count: options.count,
    durationMs: options.durationMs,
    qos: options.qos ?? 1,
    clean: options.clean ?? true,
    obeyCommands: options.obeyCommands ?? false,
    batchSize,
    publishIntervalMs: options.publishIntervalMs ?? intervalMs * batchSize,
    startTs: options.startTs ?? Date.now() - (batchSize - 1) * intervalMs,
    timestampFormat: options.timestampFormat ?? 'epoch-ms',
    withSeq: options.withSeq ?? false,
    seed: options.seed ?? 1,
    connectConcurrency: options.connectConcurrency ?? 100,
    connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
    reconnectPeriodMs: options.reconnectPeriodMs ?? 1000,
    keepaliveS: options.keepaliveS ?? 30,
    drainTimeoutMs: options.drainTimeoutMs ?? 10_000,
    faults: options.faults ?? [],
    recordReadings: options.recordReadings ?? false,
    linkFactory: options.linkFactory,
    credentials: options.credentials,
    gateways: options.gateways ?? 0,
    childrenPerGateway: options.childrenPerGateway ?? 10,
    networkServer: options.networkServer,
    applicationId: options.applicationId ?? defaultApplicationId(options.seed ?? 1),
    uplinkFaults: options.uplinkFaults ?? [],
    payloadFormat,
  };

  let protocol: string | undefined;
  try {
    protocol = new URL(resolved.url).protocol;
  } catch {
    protocol = undefined;
  }
  if (protocol === undefined || !URL_PROTOCOLS.includes(protocol)) {
    throw new SimulationOptionsError('url', resolved.url, 'an mqtt://, mqtts://, ws:// or wss:// URL');
  }
  if (resolved.domains.length === 0 || !resolved.domains.every((domain) => resolved.catalogue.hasDomain(domain)) || new Set(resolved.domains).size !== resolved.domains.length) {
    throw new SimulationOptionsError('domains', resolved.domains, `distinct values, each ${domainChoices(resolved.catalogue)}`);
  }
  const empty = resolved.domains.find((domain) => resolved.catalogue.metricNames(domain).length === 0);
  if (empty !== undefined) throw new SimulationOptionsError('domains', resolved.domains, `domains with metrics to simulate (${empty} has none in force)`);
  wholeNumber('devicesPerDomain', resolved.devicesPerDomain, 1, 100_000);
  wholeNumber('intervalMs', resolved.intervalMs, 1, 86_400_000);
  wholeNumber('publishIntervalMs', resolved.publishIntervalMs, 1, 86_400_000);
  wholeNumber('batchSize', resolved.batchSize, 1, 100_000);
  wholeNumber('connectConcurrency', resolved.connectConcurrency, 1, 100_000);
  wholeNumber('connectTimeoutMs', resolved.connectTimeoutMs, 1, 600_000);
  wholeNumber('reconnectPeriodMs', resolved.reconnectPeriodMs, 0, 600_000);
  wholeNumber('keepaliveS', resolved.keepaliveS, 0, 65_535);
  wholeNumber('drainTimeoutMs', resolved.drainTimeoutMs, 0, 600_000);
  wholeNumber('startTs', resolved.startTs, 0, Number.MAX_SAFE_INTEGER);
  wholeNumber('seed', resolved.seed, 0, 0xffffffff);
  if (resolved.count !== undefined) wholeNumber('count', resolved.count, 1, Number.MAX_SAFE_INTEGER);
  if (resolved.durationMs !== undefined) wholeNumber('durationMs', resolved.durationMs, 1, Number.MAX_SAFE_INTEGER);
  if (resolved.qos !== 0 && resolved.qos !== 1) throw new SimulationOptionsError('qos', resolved.qos, '0 or 1');
  if (!TIMESTAMP_FORMATS.includes(resolved.timestampFormat)) {
    throw new SimulationOptionsError('timestampFormat', resolved.timestampFormat, `one of ${TIMESTAMP_FORMATS.join(', ')}`);
  }
  const longestId = `${resolved.idPrefix}${'traffic'}-${resolved.devicesPerDomain}`;
  if (!DEVICE_ID_PATTERN.test(longestId)) {
    throw new SimulationOptionsError('idPrefix', resolved.idPrefix, 'letters, digits, _ and -, with ids of at most 64 characters');
  }
  wholeNumber('gateways', resolved.gateways, 0, 10_000);
  wholeNumber('childrenPerGateway', resolved.childrenPerGateway, 1, 10_000);
  resolved.faults.forEach(checkFaultSpec);
  checkNetworkServerOptions(resolved, options);
  checkPayloadFormatOptions(resolved);
  return resolved;
}

type PlanOptions = Pick<ResolvedSimulationOptions, 'domains' | 'devicesPerDomain' | 'idPrefix'> & Partial<Pick<ResolvedSimulationOptions, 'gateways' | 'childrenPerGateway'>>;

/**
 * The gateways of the run (none unless `gateways` is set): `${idPrefix}gw${g}`, in the run's first domain, speaking
 * for the domains its children are in; child c of gateway g is `${idPrefix}gw${g}-${domain}-${c}`.
 */
export function planGateways(options: PlanOptions): GatewayPlan[] {
  const count = options.gateways ?? 0;
  const children = options.childrenPerGateway ?? 10;
  return Array.from({ length: count }, (_, offset) => {
    const deviceId = `${options.idPrefix}gw${offset + 1}`;
    const domainOf = (child: number): Domain => options.domains[child % options.domains.length];
    return {
      deviceId,
      domain: options.domains[0],
      gatewayDomains: options.domains.slice(0, Math.min(children, options.domains.length)),
      children: Array.from({ length: children }, (_, child) => `${deviceId}-${domainOf(child)}-${child + 1}`),
    };
  });
}

/** Every device of the run, domain by domain (or gateway by gateway), in the order they connect. */
export function planDevices(options: PlanOptions): FaultTarget[] {
  if ((options.gateways ?? 0) > 0) {
    const perDomain = new Map<Domain, number>();
    return planGateways(options).flatMap((gateway) =>
      gateway.children.map((deviceId) => {
        const domain = deviceId.split('-').at(-2) as Domain;
        const index = (perDomain.get(domain) ?? 0) + 1;
        perDomain.set(domain, index);
        return { deviceId, domain, index };
      }),
    );
  }
  return options.domains.flatMap((domain) =>
    Array.from({ length: options.devicesPerDomain }, (_, offset) => ({
      deviceId: `${options.idPrefix}${domain}-${offset + 1}`,
      domain,
      index: offset + 1,
    })),
  );
}

function wholeNumber(option: string, value: number, min: number, max: number): void {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new SimulationOptionsError(option, value, `a whole number from ${min} to ${max}`);
  }
}
