import { loadHubConfig } from '@hub/config';
import { DeviceAddress, MetricCatalogue, TELEMETRY_TOPIC_PATTERN, validateTelemetry } from '@hub/contract';
import { answerOf, INGEST_STATUSES } from '@hub/pipeline';

/** An example of docs/contract.md's payload section (render-contract-doc.ts). */
export interface PayloadExample {
  readonly address: DeviceAddress;
  readonly payload: string;
}

/** The batch the HTTP example posts: the contract's batch example with its second reading made out of range. */
export function httpExampleBatch(batch: PayloadExample): { address: DeviceAddress; body: string } {
  const readings = JSON.parse(batch.payload) as Array<{ metrics: Record<string, number> }>;
  const [metric] = Object.keys(readings[1].metrics);
  readings[1].metrics[metric] = -1;
  return { address: batch.address, body: JSON.stringify(readings) };
}

/**
 * docs/contract.md's HTTP section: the same payload posted over HTTP, with curl examples built from the contract's
 * examples, the answer the hub gives for them (computed by the same validation and answer code) and every status
 * from the table the service's OpenAPI description is written from.
 */
export function httpIngestSection(single: PayloadExample, batchExample: PayloadExample, exampleTime: number): string {
  const limits = loadHubConfig({}).validation;
  const batch = httpExampleBatch(batchExample);
  const { domain, deviceId } = batch.address;
  const result = validateTelemetry(batch.address, Buffer.from(batch.body), exampleTime + 1000, limits, MetricCatalogue.BUILT_IN);
  const answer = answerOf({ accepted: result.readings.length, duplicates: 0, refused: result.rejections });
  return [
    '## HTTP',
    '',
    'Devices that cannot keep an MQTT connection (NB-IoT meters behind the carrier’s platform, 4G loggers, other',
    'departments’ systems) post the same payload over HTTP(S), to the path that mirrors their telemetry topic:',
    '',
    '```',
    'POST /api/ingest/{domain}/{deviceId}',
    '```',
    '',
    '- **Body**: exactly a telemetry payload (one reading or an array), `Content-Type: application/json`, UTF-8,',
    '  uncompressed. Validated, refused, de-duplicated and counted exactly as the same bytes published on',
    `  \`${TELEMETRY_TOPIC_PATTERN}\`, with the same limits and reasons.`,
    '- **Credentials**: the device’s own secret (its MQTT password): `Authorization: Bearer <secret>` for the device in the',
    '  path, or HTTP Basic `<deviceId>:<secret>`. The same registry, quarantine and topic rules as an MQTT CONNECT and',
    '  PUBLISH; refused logins count towards the same per-address back-off.',
    '- **The answer comes once every reading is durable** — in InfluxDB, the fsync’d outage spool or the dead-letter store —',
    '  which is what a QoS 1 PUBACK promises. It lists what became of each entry. A refused reading will be refused again:',
    '  do not resend it. After a 503, or a connection that failed before any answer, send the same body again (with `ts`',
    '  and `seq` a resend is stored once).',
    '- A device that posts counts as heard from (`lastSeen`, newest values) but not as `online`, which means connected',
    '  over MQTT; watch HTTP devices with no-data alert rules.',
    '',
    '```sh',
    `curl -X POST https://hub.example:3000/api/ingest/${single.address.domain}/${single.address.deviceId} -H "authorization: Bearer $SECRET" \\`,
    `  -H 'content-type: application/json' -d '${single.payload}'`,
    `# → {"accepted":1,"duplicates":0,"refused":[]}`,
    `curl -u "${deviceId}:$SECRET" https://hub.example:3000/api/ingest/${domain}/${deviceId} \\`,
    `  -H 'content-type: application/json' -d '${batch.body}'`,
    `# → ${JSON.stringify(answer)}`,
    '```',
    '',
    '| status | durable | when |',
    '|---|---|---|',
    ...INGEST_STATUSES.map(({ status, durable, when }) => `| ${status} | ${durable ? 'yes' : 'nothing taken'} | ${when.replace(/\|/g, '\\|')} |`),
    '',
    'Refusals (4xx) carry `statusCode`, `error` and `message` like every other API error, and, where readings were',
    'looked at, `accepted`, `duplicates` and `refused` beside them. Every refused entry has `index` (its position in an',
    'array; `null` for a single reading or the whole body), `reason` (a code below) and `message` (the dead letter’s detail).',
    'When nothing in the body was valid the answer is a 4xx rather than a 200, so a client that looks only at the status',
    'still learns that nothing was stored; every such refusal is already dead-lettered, and clients do not retry a 4xx.',
    'The hub closes a keep-alive connection after 5 s idle: a client that posts less often should open a new one (or',
    'resend a request whose reused connection failed before any answer).',
  ].join('\n');
}
