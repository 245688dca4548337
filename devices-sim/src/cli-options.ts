import { parseArgs } from 'node:util';
import { BUILT_IN_DOMAINS, Domain, isDomainName } from '@hub/contract';
import { parseDuration } from '@hub/common';
import { FAULT_MODES, FaultMode, FaultSpec } from './fault-plan';
import { NETWORK_SERVERS, NetworkServerKind } from './simulation-mode-options';
import { SimulationOptions } from './simulation-options';
import { TIMESTAMP_FORMATS, TimestampFormat } from './telemetry-message-source';
import { isUplinkFaultMode, UPLINK_FAULT_MODES, UplinkFaultMode, UplinkFaultSpec } from './uplink-fault-plan';
import { PAYLOAD_FORMATS, PayloadFormat } from './vendor-payload';

export const CLI_USAGE = `Usage: node dist/devices-sim/src/cli.js [options]

Simulates field sensors publishing telemetry to sensors/{domain}/{deviceId}/telemetry.
One of --count, --duration or --forever is required.

  --url <url>               broker URL, mqtt://host:port or ws://host:port (default mqtt://127.0.0.1:1883)
  --domains <list>          comma-separated (default the built-in ${BUILT_IN_DOMAINS.join(', ')}); with --api any
                            domain of the hub's live catalogue, e.g. flood, and its metrics
  --devices <n>             devices per domain (default 1)
  --gateways <n>            play n gateways (DTUs) instead, each publishing for --children devices on their own
                            topics over its one connection (provisioned as gateway and children with --api)
  --children <n>            with --gateways: devices per gateway, given the domains in turn (default 10)
  --id-prefix <text>        device ids are <prefix><domain>-<n> (default sim-)
  --interval <duration>     time between readings, e.g. 500ms, 1s, 5m (default 1s)
  --count <n>               stop each device after n readings
  --duration <duration>     stop the run after this long
  --forever                 run until SIGINT/SIGTERM, then print the report
  --qos <0|1>               (default 1)
  --persistent              persistent session (clean=false)
  --obey-commands           subscribe to commands and config: obey set-interval and a desired intervalS, reply, report config
                            (with --gateways: each child, on its own topics over its gateway's connection)
  --batch <n>               readings per publish, as a JSON array (default 1)
  --publish-interval <dur>  time between publishes of one device (default interval × batch)
  --start-ts <time>         event time of the first reading: epoch ms, ISO-8601, or now-<duration> (default now)
  --timestamps <format>     ${TIMESTAMP_FORMATS.join(' | ')} (default epoch-ms)
  --seq                     add an increasing seq to each reading
  --seed <n>                random seed, 0 to 4294967295 (default 1)
  --concurrency <n>         connections opened at once (default 100)
  --connect-timeout <dur>   (default 10s)
  --drain-timeout <dur>     wait this long for outstanding PUBACKs at the end (default 10s)
  --progress <dur|off>      progress line on stderr every so often (default 5s)
  --record                  include every sent reading in the final report
  --api <url>               provision the simulated devices through the hub's API first (e.g. http://127.0.0.1:3000),
                            with the admin API key in the HUB_API_KEY environment variable; existing ones get a new secret
  --towns <list>            with --api: comma-separated towns given to the devices in turn (default none)
  --credentials <file>      CSV with device_id and secret columns: the devices' secrets (instead of --api)
  --fault <spec>            repeatable: <mode>[:<domain>|*[:<metric>]][,key=value…]
                            modes: ${FAULT_MODES.join(', ')}
                            with --network-server: ${UPLINK_FAULT_MODES.join(', ')}
                            keys: devices=<n> (first n per domain), ids=<id>+<id>, from=<n>, to=<n>,
                                  every=<n>, value=<number>, disconnect (silent only), after=<n> (out-of-order only)
                            e.g. spike:gas:methane_pct_lel,from=5,to=10,value=35  silent:water,devices=1,disconnect
                                 out-of-order,from=5,to=7,after=2  codec-error,devices=1
  --payload-format <fmt>    ${PAYLOAD_FORMATS.join(' | ')} (default contract); vendor-json: a 4G RTU's own JSON,
                            hex: an NB-IoT logger's frame as hex text — water devices, decoded by a hub profile
  --network-server <kind>   ${NETWORK_SERVERS.join(' | ')}: play the network server of LoRaWAN water meters instead of
                            devices: one MQTT client publishes ChirpStack v4 up events to the broker at --url on
                            application/<id>/device/<devEui>/event/up (DevEUIs from --seed, listed in the report)
  --application-id <id>     with --network-server: the ChirpStack application id (default a UUID from --seed)
  -h, --help                show this help

Prints one progress line to stderr periodically and the final JSON report to stdout.`;

export class CliUsageError extends Error {
  constructor(
    readonly flag: string,
    readonly value: string,
    readonly allowed: string,
  ) {
    super(`Invalid value for ${flag}: ${JSON.stringify(value)} (allowed: ${allowed})`);
    this.name = 'CliUsageError';
  }
}

export type CliCommand =
  | { readonly kind: 'help' }
  | {
      readonly kind: 'run';
      readonly options: SimulationOptions;
      readonly forever: boolean;
      readonly progressMs: number | undefined;
      /** Where the devices' credentials come from; none: they connect without (quarantine mode, or an open broker). */
      readonly credentials: CredentialSource | undefined;
    };

export type CredentialSource = { readonly kind: 'api'; readonly apiUrl: string; readonly towns: readonly string[] } | { readonly kind: 'file'; readonly path: string };

const FLAGS = {
  url: { type: 'string' },
  domains: { type: 'string' },
  devices: { type: 'string' },
  gateways: { type: 'string' },
  children: { type: 'string' },
  'id-prefix': { type: 'string' },
  interval: { type: 'string' },
  count: { type: 'string' },
  duration: { type: 'string' },
  forever: { type: 'boolean' },
  qos: { type: 'string' },
  persistent: { type: 'boolean' },
  'obey-commands': { type: 'boolean' },
  batch: { type: 'string' },
  'publish-interval': { type: 'string' },
  'start-ts': { type: 'string' },
  timestamps: { type: 'string' },
  seq: { type: 'boolean' },
  seed: { type: 'string' },
  concurrency: { type: 'string' },
  'connect-timeout': { type: 'string' },
  'drain-timeout': { type: 'string' },
  progress: { type: 'string' },
  record: { type: 'boolean' },
  fault: { type: 'string', multiple: true },
  api: { type: 'string' },
  towns: { type: 'string' },
  credentials: { type: 'string' },
  'payload-format': { type: 'string' },
  'network-server': { type: 'string' },
  'application-id': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/**
 * Turns argv into simulator options. Throws CliUsageError naming the flag, the value and what is allowed
 * (or parseArgs' own error for an unknown flag). `now` is injectable so --start-ts now-1h can be tested.
 */
export function parseCliArgs(argv: readonly string[], now: number = Date.now()): CliCommand {
  const { values } = parseArgs({ args: [...argv], options: FLAGS, strict: true, allowPositionals: false });
  if (values.help) return { kind: 'help' };
  const faults = (values.fault ?? []).map(parseFaultFlag);

  const forever = values.forever ?? false;
  if (forever && (values.count !== undefined || values.duration !== undefined)) {
    throw new CliUsageError('--forever', 'true', 'not together with --count or --duration');
  }
  if (!forever && values.count === undefined && values.duration === undefined) {
    throw new CliUsageError('--count/--duration/--forever', '', 'one of them is required so the run ends');
  }
  const options: SimulationOptions = {
    url: values.url ?? 'mqtt://127.0.0.1:1883',
    domains: values.domains === undefined ? undefined : parseDomains('--domains', values.domains),
    devicesPerDomain: optional(values.devices, (v) => wholeNumber('--devices', v, 1, 100_000)),
    gateways: optional(values.gateways, (v) => wholeNumber('--gateways', v, 1, 10_000)),
    childrenPerGateway: optional(values.children, (v) => wholeNumber('--children', v, 1, 10_000)),
    idPrefix: values['id-prefix'],
    intervalMs: optional(values.interval, (v) => duration('--interval', v, 1)),
    count: optional(values.count, (v) => wholeNumber('--count', v, 1, Number.MAX_SAFE_INTEGER)),
    durationMs: optional(values.duration, (v) => duration('--duration', v, 1)),
    qos: optional(values.qos, (v) => (v === '0' || v === '1' ? (Number(v) as 0 | 1) : usage('--qos', v, '0 or 1'))),
    clean: values.persistent ? false : undefined,
    obeyCommands: values['obey-commands'],
    batchSize: optional(values.batch, (v) => wholeNumber('--batch', v, 1, 100_000)),
    publishIntervalMs: optional(values['publish-interval'], (v) => duration('--publish-interval', v, 1)),
    startTs: optional(values['start-ts'], (v) => startTs(v, now)),
    timestampFormat: optional(values.timestamps, (v) =>
      (TIMESTAMP_FORMATS as readonly string[]).includes(v) ? (v as TimestampFormat) : usage('--timestamps', v, TIMESTAMP_FORMATS.join(', ')),
    ),
    withSeq: values.seq,
    seed: optional(values.seed, (v) => wholeNumber('--seed', v, 0, 0xffffffff)),
    connectConcurrency: optional(values.concurrency, (v) => wholeNumber('--concurrency', v, 1, 100_000)),
    connectTimeoutMs: optional(values['connect-timeout'], (v) => duration('--connect-timeout', v, 1)),
    drainTimeoutMs: optional(values['drain-timeout'], (v) => duration('--drain-timeout', v, 0)),
    recordReadings: values.record,
    faults: faults.filter((fault): fault is FaultSpec => !isUplinkFaultMode(fault.mode)),
    uplinkFaults: nonEmpty(faults.filter((fault): fault is UplinkFaultSpec => isUplinkFaultMode(fault.mode))),
    payloadFormat: optional(values['payload-format'], (v) =>
      (PAYLOAD_FORMATS as readonly string[]).includes(v) ? (v as PayloadFormat) : usage('--payload-format', v, PAYLOAD_FORMATS.join(', ')),
    ),
    networkServer: optional(values['network-server'], (v) =>
      (NETWORK_SERVERS as readonly string[]).includes(v) ? (v as NetworkServerKind) : usage('--network-server', v, NETWORK_SERVERS.join(', ')),
    ),
    applicationId: optional(values['application-id'], (v) =>
      values['network-server'] === undefined ? usage('--application-id', v, 'only with --network-server') : /^[A-Za-z0-9_-]{1,64}$/.test(v) ? v : usage('--application-id', v, '1 to 64 letters, digits, _ and - (a ChirpStack application UUID)'),
    ),
  };
  if (options.networkServer !== undefined) {
    if (values.api !== undefined || values.credentials !== undefined) usage(values.api === undefined ? '--credentials' : '--api', values.api ?? values.credentials ?? '', 'not with --network-server: the devices log in to the network server, not the hub');
    if (options.faults?.length) usage('--fault', options.faults[0]!.mode, `with --network-server one of ${UPLINK_FAULT_MODES.join(', ')}`);
  } else if (options.uplinkFaults?.length) {
    usage('--fault', options.uplinkFaults[0]!.mode, 'only with --network-server');
  }
  const progress = values.progress ?? '5s';
  const progressMs = progress === 'off' ? undefined : duration('--progress', progress, 100);
  return { kind: 'run', options: dropUndefined(options), forever, progressMs, credentials: credentialSource(values.api, values.towns, values.credentials) };
}

function credentialSource(api: string | undefined, towns: string | undefined, file: string | undefined): CredentialSource | undefined {
  if (api !== undefined && file !== undefined) usage('--credentials', file, 'not together with --api');
  if (towns !== undefined && api === undefined) usage('--towns', towns, 'only with --api');
  if (file !== undefined) return { kind: 'file', path: file };
  if (api === undefined) return undefined;
  if (!/^https?:\/\/[^/]/.test(api)) usage('--api', api, 'an http:// or https:// URL of the hub');
  const names = (towns ?? '').split(',').map((town) => town.trim()).filter((town) => town !== '');
  return { kind: 'api', apiUrl: api, towns: names };
}

/**
 * `<mode>[:<domain>|*[:<metric>]][,key=value…]`, e.g. `spike:gas:methane_pct_lel,from=5,value=35`; an uplink fault
 * (out-of-order,from=5,to=7,after=2) for --network-server has no metric, value or disconnect.
 */
export function parseFaultFlag(text: string): FaultSpec | UplinkFaultSpec {
  const [head, ...settings] = text.split(',');
  const [mode, domain, metric, ...extra] = head.split(':');
  const uplink = isUplinkFaultMode(mode);
  if (!(FAULT_MODES as readonly string[]).includes(mode) && !uplink) usage('--fault', text, `a mode from ${[...FAULT_MODES, ...UPLINK_FAULT_MODES].join(', ')}`);
  if (extra.length > 0) usage('--fault', text, '<mode>[:<domain>[:<metric>]][,key=value…]');
  if (domain !== undefined && domain !== '' && domain !== '*' && !isDomainName(domain)) {
    usage('--fault', text, 'a domain (lower-case letters, digits and _) or *');
  }
  if (uplink && metric !== undefined && metric !== '') usage('--fault', text, `${mode} without a metric: it spoils the whole uplink`);
  const fault: { -readonly [K in keyof FaultSpec]: FaultSpec[K] } & { after?: number } = { mode: mode as FaultMode };
  if (domain !== undefined && isDomainName(domain)) fault.domain = domain;
  if (metric !== undefined && metric !== '') fault.metric = metric;
  for (const setting of settings) {
    const [key, value = ''] = setting.split('=', 2);
    const whole = (min: number): number => wholeNumber('--fault', value, min, Number.MAX_SAFE_INTEGER, `${key}=`);
    switch (key) {
      case 'devices':
        fault.devices = whole(1);
        break;
      case 'ids':
        fault.deviceIds = value.split('+').filter((id) => id !== '');
        break;
      case 'from':
        fault.fromReading = whole(1);
        break;
      case 'to':
        fault.toReading = whole(1);
        break;
      case 'every':
        fault.everyNth = whole(1);
        break;
      case 'value':
        fault.value = value.trim() !== '' && Number.isFinite(Number(value)) ? Number(value) : usage('--fault', text, 'value=<number>');
        break;
      case 'disconnect':
        fault.disconnect = true;
        break;
      case 'after':
        fault.after = whole(1);
        break;
      default:
        usage('--fault', text, 'settings devices=, ids=, from=, to=, every=, value=, disconnect, after=');
    }
  }
  if (fault.disconnect && fault.mode !== 'silent') usage('--fault', text, 'disconnect only with the silent mode');
  if (fault.after !== undefined && mode !== 'out-of-order') usage('--fault', text, 'after= only with the out-of-order mode');
  if (uplink && fault.value !== undefined) usage('--fault', text, `${mode} without value=`);
  return uplink ? { ...fault, mode: mode as UplinkFaultMode } : (fault as FaultSpec);
}

function parseDomains(flag: string, text: string): Domain[] {
  const names = text.split(',').map((name) => name.trim());
  if (names.length === 0 || !names.every(isDomainName) || new Set(names).size !== names.length) {
    usage(flag, text, 'a comma-separated list of distinct domains (lower-case letters, digits and _), e.g. water,power');
  }
  return names as Domain[];
}

function startTs(text: string, now: number): number {
  const relative = /^now-(.+)$/.exec(text);
  if (relative) {
    const ms = parseDuration(relative[1]);
    return ms === undefined ? usage('--start-ts', text, 'now-<duration>, e.g. now-2h') : now - ms;
  }
  if (/^\d+$/.test(text)) return Number(text);
  const parsed = /^\d{4}-\d{2}-\d{2}T/.test(text) ? Date.parse(text) : NaN;
  return Number.isNaN(parsed) ? usage('--start-ts', text, 'epoch milliseconds, an ISO-8601 date-time, or now-<duration>') : parsed;
}

function duration(flag: string, text: string, minMs: number): number {
  const ms = parseDuration(text);
  return ms === undefined || ms < minMs ? usage(flag, text, `a duration like 500ms, 10s, 5m or 1h, at least ${minMs} ms`) : ms;
}

function wholeNumber(flag: string, text: string, min: number, max: number, prefix = ''): number {
  const value = Number(text);
  return /^\d+$/.test(text) && value >= min && value <= max ? value : usage(flag, `${prefix}${text}`, `a whole number from ${min} to ${max}`);
}

function nonEmpty<T>(list: T[]): T[] | undefined {
  return list.length === 0 ? undefined : list;
}

function optional<T>(value: string | undefined, parse: (value: string) => T): T | undefined {
  return value === undefined ? undefined : parse(value);
}

function usage(flag: string, value: string, allowed: string): never {
  throw new CliUsageError(flag, value, allowed);
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as T;
}
