import { MAX_COMMAND_JSON_BYTES } from '@hub/commands';
import { loadHubConfig } from '@hub/config';
import { gatewaysSection } from './render-gateway-section';
import { httpIngestSection } from './render-http-ingest-section';
import { Domain, BUILT_IN_DOMAINS, BUILT_IN_CATALOGUE, MetricCatalogue, MetricSpec, REJECT_REASON_CODES, REJECT_REASONS, MAX_JSON_DEPTH, COMMANDS_TOPIC_PATTERN, CONFIG_TOPIC_PATTERN, COMMAND_REPLY_TOPIC_PATTERN, CONFIG_REPORTED_TOPIC_PATTERN, DEVICE_ID_PATTERN, DeviceAddress, STATUS_TOPIC_PATTERN, TELEMETRY_TOPIC_PATTERN, telemetryTopic } from '@hub/contract';

export interface ContractExample {
  readonly title: string;
  readonly address: DeviceAddress;
  /** The payload exactly as the doc shows it. */
  readonly payload: string;
}

/** The event time the examples carry; the contract-doc spec validates every example as if received just after it. */
export const EXAMPLE_TIME = Date.UTC(2025, 0, 15, 8, 30, 0);

/**
 * Example payloads built from the catalogue (its first metrics, mid-band values), so that renaming a metric changes
 * the examples with it and an example can never show something the hub would refuse.
 */
export function contractExamples(): ContractExample[] {
  const water: DeviceAddress = { domain: 'water', deviceId: 'wtr-dma-014' };
  const traffic: DeviceAddress = { domain: 'traffic', deviceId: 'loop-a12-n3' };
  const batch = [0, 1, 2].map((index) => ({
    ts: EXAMPLE_TIME - (2 - index) * 60_000,
    seq: 311 + index,
    metrics: exampleMetrics('traffic', 2, index),
  }));
  return [
    {
      title: 'One reading with the device’s own time (ISO-8601) and sequence number',
      address: water,
      payload: JSON.stringify({ ts: new Date(EXAMPLE_TIME).toISOString(), seq: 1042, metrics: exampleMetrics('water', 3) }),
    },
    {
      title: 'One reading without ts or seq (stored at the receive time)',
      address: water,
      payload: JSON.stringify({ metrics: exampleMetrics('water', 1) }),
    },
    {
      title: 'A batch: several readings in one message, ts as epoch milliseconds',
      address: traffic,
      payload: `[\n${batch.map((entry) => `  ${JSON.stringify(entry)}`).join(',\n')}\n]`,
    },
  ];
}

/** The device data contract as Markdown, read entirely from the catalogue, the reason codes and the topic constants. */
export function renderContractDoc(): string {
  const defaults = loadHubConfig({}).validation;
  const sections = [
    header(),
    topicsSection(),
    gatewaysSection(),
    payloadSection(),
    httpIngestSection(contractExamples()[0], contractExamples()[2], EXAMPLE_TIME),
    commandsSection(),
    limitsSection(defaults),
    catalogueSection(),
    reasonsSection(),
  ];
  return `${sections.join('\n\n')}\n`;
}

function header(): string {
  return [
    '# Device data contract',
    '',
    '<!-- Generated from libs/contract by `npm run docs`; edit the code, not this file. -->',
    '',
    'How a field sensor (water, power, gas, district heat, traffic) reports to the County Sensing Hub over MQTT 3.1.1, or',
    'over HTTP: the topics, the payload, the limits, every metric with its unit and range, and every reason a reading can be refused.',
  ].join('\n');
}

function topicsSection(): string {
  return [
    '## Topics',
    '',
    '| topic | device | payload |',
    '|---|---|---|',
    `| \`${TELEMETRY_TOPIC_PATTERN}\` | publishes | readings as JSON (see below) |`,
    `| \`${STATUS_TOPIC_PATTERN}\` | publishes | \`online\` or \`offline\`, retained; set \`offline\` as the device’s last will |`,
    `| \`${COMMANDS_TOPIC_PATTERN}\` | subscribes | commands for the device, QoS 1 (see Commands and configuration) |`,
    `| \`${COMMAND_REPLY_TOPIC_PATTERN}\` | publishes | the outcome of a command |`,
    `| \`${CONFIG_TOPIC_PATTERN}\` | subscribes | the device’s desired configuration, a JSON object, retained |`,
    `| \`${CONFIG_REPORTED_TOPIC_PATTERN}\` | publishes | the configuration the device applied, a JSON object |`,
    '',
    `- \`{domain}\` is a domain of the catalogue: the built-in ${BUILT_IN_DOMAINS.map((domain) => `\`${domain}\``).join(', ')}, or one an admin added (see Metric catalogue).`,
    `- \`{deviceId}\` matches \`${DEVICE_ID_PATTERN.source}\`: letters, digits, \`_\` and \`-\`, 1 to 64 characters, unique across the county.`,
    '- Any other topic is refused (`TOPIC_INVALID`, `DOMAIN_UNKNOWN`, `DEVICE_ID_INVALID`).',
    '- Publish readings with QoS 1. The hub acknowledges (PUBACK) once it has taken the message, whether it accepted',
    '  the readings or refused them into the dead-letter store; a refused reading will be refused again, so do not resend it.',
    '',
    '## Credentials and what a device may do',
    '',
    '- Connect with the MQTT **client id and username both set to the device id** and the **password set to the device’s',
    '  secret** (given once when the device is provisioned). A client id other than the username is refused (CONNACK 2,',
    '  identifier rejected), so no one can take over another device’s session.',
    '- An unknown device, a wrong or revoked secret: CONNACK 4 (bad user name or password). A disabled or rejected device:',
    '  CONNACK 5 (not authorized).',
    '- A device publishes only on its own telemetry, status, commands/reply and config/reported topics, `{domain}` being',
    '  the domain it was provisioned in.',
    '  Anything else is acknowledged and refused (`TOPIC_FORBIDDEN`): nothing is stored or forwarded.',
    '- A device subscribes only to its own commands and config topics; any other subscription is refused (SUBACK 0x80).',
    '- When the hub runs in quarantine mode, an unknown device is let in but what it sends is held (`DEVICE_QUARANTINED`)',
    '  until an operator approves it.',
  ].join('\n');
}

function payloadSection(): string {
  const examples = contractExamples().map((example) =>
    [`### ${example.title}`, '', `Topic \`${telemetryTopic(example.address.domain, example.address.deviceId)}\`:`, '', '```json', example.payload, '```'].join('\n'),
  );
  return [
    '## Payload',
    '',
    'A message is one reading (a JSON object) or a batch (a JSON array of readings), UTF-8 encoded. A reading has:',
    '',
    '| field | required | meaning |',
    '|---|---|---|',
    '| `metrics` | yes | object of metric name → JSON number; names from the catalogue of the topic’s domain (below) |',
    '| `ts` | no | event time: epoch milliseconds (integer), or ISO-8601 date-time with `Z` or an offset such as `+02:00` |',
    '| `seq` | no | the device’s own message counter, a non-negative integer; checked, not stored in InfluxDB |',
    '',
    'No other field is allowed. A reading is stored whole or refused whole; in a batch each reading stands on its own,',
    'so good readings are stored and each bad one is refused with its position in the array.',
    '',
    '- **Without `ts`** a reading is stored at the time the hub received it.',
    '- **With `ts`** it is stored at the device’s time. A reading resent with the same `ts` (for example after a lost',
    '  PUBACK) lands on the same InfluxDB point (same domain, `device_id` and timestamp) and overwrites itself instead of',
    '  counting twice. Without `ts` a resend is a second point, so send `ts` whenever the device has a clock.',
    '',
    ...examples.flatMap((example) => [example, '']),
  ]
    .join('\n')
    .trimEnd();
}

/** The command, reply and config shapes, from the constants the hub checks them with. */
function commandsSection(): string {
  const command = { id: '6f1c2a9e-3b7d-4e0a-9c55-2f8e1d4b7a10', name: 'set-interval', args: { seconds: 30 }, expiresAt: EXAMPLE_TIME + 3_600_000 };
  return [
    '## Commands and configuration',
    '',
    'Operators send commands through the hub’s API (`POST /api/devices/{id}/commands`, docs/operations.md). The hub',
    'keeps each one until the device has it: it publishes a command at QoS 1, not retained, on the commands topic only while',
    'the device is connected and subscribed there, and otherwise when the device next connects (a persistent session,',
    '`clean: false`, needs no new SUBSCRIBE) or subscribes. Subscribe with QoS 1 so the PUBACK tells the hub the command',
    'arrived. A command looks like this:',
    '',
    '```json',
    JSON.stringify(command),
    '```',
    '',
    '- `id` names the command in the reply. Delivery is at least once (a command not acknowledged is sent again after',
    '  the hub restarts or the device reconnects, clean session or not): act once per `id`.',
    '- `expiresAt` (epoch ms): after it the hub counts the command as expired; a device should not act on it any more.',
    '',
    `Reply on \`${COMMAND_REPLY_TOPIC_PATTERN}\` (QoS 1) with one JSON object of at most ${MAX_COMMAND_JSON_BYTES / 1024} KiB:`,
    '',
    '```json',
    JSON.stringify({ id: command.id, ok: true, result: { intervalS: 30 } }),
    JSON.stringify({ id: command.id, ok: false, error: 'interval must be at least 1 s' }),
    '```',
    '',
    '| field | required | meaning |',
    '|---|---|---|',
    '| `id` | yes | the command’s id |',
    '| `ok` | yes | `true`: done; `false`: not done (`"status": "succeeded"` or `"failed"` is accepted instead) |',
    '| `result` | no | any JSON the device wants to report with `ok: true` |',
    '| `error` | with `ok: false` | a text saying why (shown to the operator, cut at 1000 characters) |',
    '',
    'A reply that is not this shape is refused (`COMMAND_REPLY_INVALID`), one naming a command the hub did not send to',
    'this device too (`COMMAND_UNKNOWN`); both are acknowledged and kept as dead letters.',
    '',
    `The desired configuration is published retained (QoS 1) on \`${CONFIG_TOPIC_PATTERN}\` as a JSON object, so a`,
    'device receives the latest one whenever it subscribes. After applying it, the device publishes what it now runs with',
    `on \`${CONFIG_REPORTED_TOPIC_PATTERN}\`: a JSON object of at most ${MAX_COMMAND_JSON_BYTES / 1024} KiB (else \`CONFIG_REPORT_INVALID\`). The hub compares`,
    'the two (keys in any order) and shows operators whether they differ.',
  ].join('\n');
}

function limitsSection(defaults: { maxPayloadBytes: number; maxBatchReadings: number; maxAgeMs: number; maxFutureMs: number }): string {
  return [
    '## Limits',
    '',
    'Set per deployment through the hub’s environment; the defaults are shown.',
    '',
    '| limit | environment variable | default | refused as |',
    '|---|---|---|---|',
    `| largest message, in bytes, checked before parsing | \`HUB_MAX_PAYLOAD_BYTES\` | ${formatBytes(defaults.maxPayloadBytes)} | \`PAYLOAD_TOO_LARGE\` |`,
    `| most readings in one batch | \`HUB_MAX_BATCH_READINGS\` | ${defaults.maxBatchReadings} | \`BATCH_TOO_LARGE\` |`,
    `| oldest \`ts\`, before the receive time | \`HUB_MAX_READING_AGE\` | ${formatDuration(defaults.maxAgeMs)} | \`TS_TOO_OLD\` |`,
    `| furthest \`ts\` ahead of the receive time (clock skew) | \`HUB_MAX_FUTURE_SKEW\` | ${formatDuration(defaults.maxFutureMs)} | \`TS_IN_FUTURE\` |`,
    `| deepest nesting of arrays and objects, checked before parsing | (fixed) | ${MAX_JSON_DEPTH} | \`NESTING_TOO_DEEP\` |`,
    '',
    'A `ts` exactly at either limit is accepted.',
    '',
    'The text itself must be plain JSON: UTF-8 without a byte order mark, no NUL or other control bytes outside',
    'escapes (`MALFORMED_JSON`), and no object repeating a key (`DUPLICATE_KEY`: parsers disagree on which value',
    'counts). These refuse the whole message, batch included. Epoch-millisecond `ts` and `seq` must be whole numbers a',
    'double holds exactly (up to 2^53 − 1; `ts` up to 8.64e15, the last instant a date can hold); `-0` counts as 0 for a',
    'metric value and is refused as a `seq`.',
  ].join('\n');
}

function catalogueSection(): string {
  const tables = BUILT_IN_DOMAINS.map((domain) =>
    [
      `### ${domain}`,
      '',
      '| metric | unit | physical range | typical band | description |',
      '|---|---|---|---|---|',
      ...Object.entries(BUILT_IN_CATALOGUE[domain]).map(
        ([metric, spec]) =>
          `| \`${metric}\` | ${cell(spec.unit)} | ${spec.range[0]} … ${spec.range[1]} | ${spec.typical[0]} … ${spec.typical[1]} | ${cell(spec.description)}${spec.integer ? '; whole numbers only' : ''} |`,
      ),
    ].join('\n'),
  );
  return [
    '## Metric catalogue',
    '',
    'A value outside the physical range (inclusive) is a sensor, wiring or configuration fault and is refused',
    '(`VALUE_OUT_OF_RANGE`). The typical band is what a healthy network shows; values outside it are stored.',
    '',
    'The tables below are the built-in catalogue, shipped with the code. Admins extend and adjust it at run time,',
    'without a restart: the catalogue in force is `GET /api/catalogue` (the console’s Catalogue page shows it).',
    '',
    '- `POST /api/catalogue/domains` `{ "domain": "flood", "description": "…" }` adds a domain (lower-case letters,',
    '  digits and `_`, 2–32 long). Devices, gateways, scopes, silences and rules may name it at once.',
    '- `POST /api/catalogue/domains/{domain}/metrics` `{ "name", "unit", "description", "range": [min, max],',
    '  "typical": [min, max], "integer"? }` adds a metric; it validates readings from the next message on, on every connection.',
    '- `PATCH /api/catalogue/domains/{domain}/metrics/{metric}` changes a description, range or typical band, also of a',
    '  built-in metric, or retires a metric (`"retired": true`: new readings of it are `METRIC_UNKNOWN`, stored ones stay;',
    '  `false` restores it). The unit and whether it counts cannot change: a new quantity is a new metric. A range that',
    '  would leave readings already stored outside it answers 409 with their count and extremes until sent with `"confirm": true`.',
    '',
    'Changes are admin-only (an admin of the whole county), audited, kept in the hub’s database across restarts, and',
    'never rewrite or delete stored readings. There is no rename: add the new name and retire the old one, so each',
    'stored reading keeps the name it was stored under. A reading on a domain the catalogue does not hold is `DOMAIN_UNKNOWN`.',
    '',
    tables.join('\n\n'),
  ].join('\n');
}

function reasonsSection(): string {
  return [
    '## Reject reasons',
    '',
    'Every refused message or reading is kept in the hub’s dead-letter store with one of these codes and a detail text.',
    '',
    '| code | meaning |',
    '|---|---|',
    ...REJECT_REASON_CODES.map((code) => `| \`${code}\` | ${cell(REJECT_REASONS[code])} |`),
  ].join('\n');
}

function exampleMetrics(domain: Domain, count: number, variant = 0): Record<string, number> {
  return Object.fromEntries([...(MetricCatalogue.BUILT_IN.domain(domain)?.metrics ?? [])].slice(0, count).map(([metric, spec]) => [metric, exampleValue(spec, variant)]));
}

/** A value inside the typical band, moved a little per variant so a batch does not repeat itself. */
function exampleValue(spec: MetricSpec, variant: number): number {
  const [low, high] = spec.typical;
  const value = low + ((high - low) * (2 + variant)) / 5;
  return spec.integer ? Math.round(value) : Math.round(value * 10) / 10;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

function formatBytes(bytes: number): string {
  for (const [unit, size] of [['GiB', 1024 ** 3], ['MiB', 1024 ** 2], ['KiB', 1024]] as const) {
    if (bytes % size === 0) return `${bytes / size} ${unit}`;
  }
  return `${bytes} bytes`;
}

function formatDuration(ms: number): string {
  for (const [unit, size] of [['d', 86_400_000], ['h', 3_600_000], ['min', 60_000], ['s', 1000]] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size} ${unit}`;
  }
  return `${ms} ms`;
}
