import { existsSync, readFileSync } from 'node:fs';
import { parseCommandReply } from '@hub/commands';
import { loadHubConfig } from '@hub/config';
import { MetricCatalogue, BUILT_IN_DOMAINS, BUILT_IN_CATALOGUE, REJECT_REASON_CODES, REJECT_REASONS, STATUS_TOPIC_PATTERN, COMMANDS_TOPIC_PATTERN, COMMAND_REPLY_TOPIC_PATTERN, CONFIG_TOPIC_PATTERN, CONFIG_REPORTED_TOPIC_PATTERN, TELEMETRY_TOPIC_PATTERN, validateTelemetry } from '@hub/contract';
import { docPath } from './generate-docs';
import { INGEST_STATUSES } from '@hub/pipeline';
import { contractExamples, EXAMPLE_TIME, renderContractDoc } from './render-contract-doc';
import { httpExampleBatch } from './render-http-ingest-section';

describe('docs/contract.md', () => {
  const rendered = renderContractDoc();

  it('is exactly what the code renders', () => {
    const path = docPath('contract.md');
    const committed = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
    if (committed !== rendered) {
      throw new Error(
        `${path} is ${committed === undefined ? 'missing' : 'out of date with libs/contract'}: run \`npm run build && npm run docs\` and commit it.`,
      );
    }
  });

  it('lists every domain with every one of its metrics, unit and range', () => {
    for (const domain of BUILT_IN_DOMAINS) {
      expect(rendered).toContain(`### ${domain}\n`);
      for (const [metric, spec] of Object.entries(BUILT_IN_CATALOGUE[domain])) {
        expect(rendered).toContain(`| \`${metric}\` | ${spec.unit} | ${spec.range[0]} … ${spec.range[1]} | ${spec.typical[0]} … ${spec.typical[1]} | ${spec.description}`);
      }
    }
  });

  it('lists every reject reason code with its meaning', () => {
    for (const code of REJECT_REASON_CODES) {
      expect(rendered).toContain(`| \`${code}\` | ${REJECT_REASONS[code]} |`);
    }
  });

  it('names both topics and the four limits with their defaults', () => {
    expect(rendered).toContain(`\`${TELEMETRY_TOPIC_PATTERN}\``);
    expect(rendered).toContain(`\`${STATUS_TOPIC_PATTERN}\``);
    expect(rendered).toContain('| `HUB_MAX_PAYLOAD_BYTES` | 256 KiB |');
    expect(rendered).toContain('| `HUB_MAX_BATCH_READINGS` | 1000 |');
    expect(rendered).toContain('| `HUB_MAX_READING_AGE` | 7 d |');
    expect(rendered).toContain('| `HUB_MAX_FUTURE_SKEW` | 5 min |');
  });

  it('names the command, reply and config topics and shows a reply the hub accepts', () => {
    for (const pattern of [COMMANDS_TOPIC_PATTERN, COMMAND_REPLY_TOPIC_PATTERN, CONFIG_TOPIC_PATTERN, CONFIG_REPORTED_TOPIC_PATTERN]) expect(rendered).toContain(`\`${pattern}\``);
    const replies = [...rendered.matchAll(/^(\{"id":"[^"]+","ok":.*\})$/gm)].map((match) => parseCommandReply(Buffer.from(match[1])).ok);
    expect(replies).toEqual([true, true]);
  });

  it('names the child topics a gateway subscribes and publishes on to relay commands and config', () => {
    const gateways = rendered.slice(rendered.indexOf('## Gateways and DTUs'), rendered.indexOf('## Payload'));
    expect(gateways).toContain(`| \`${COMMANDS_TOPIC_PATTERN}\` of each child | subscribes |`);
    expect(gateways).toContain(`| \`${CONFIG_TOPIC_PATTERN}\` of each child | subscribes |`);
    expect(gateways).toContain(`| \`${COMMAND_REPLY_TOPIC_PATTERN}\` of each child | publishes |`);
    expect(gateways).toContain(`| \`${CONFIG_REPORTED_TOPIC_PATTERN}\` of each child | publishes |`);
  });

  it('shows examples the hub accepts in full, each in the doc', () => {
    const limits = loadHubConfig({}).validation;
    const outcomes = contractExamples().map((example) => {
      expect(rendered).toContain(`\`\`\`json\n${example.payload}\n\`\`\``);
      const result = validateTelemetry(example.address, Buffer.from(example.payload), EXAMPLE_TIME + 1000, limits, MetricCatalogue.BUILT_IN);
      return { rejections: result.rejections, readings: result.readings.length, tsFromDevice: result.readings.map((reading) => reading.tsFromDevice) };
    });
    expect(outcomes).toEqual([
      { rejections: [], readings: 1, tsFromDevice: [true] },
      { rejections: [], readings: 1, tsFromDevice: [false] },
      { rejections: [], readings: 3, tsFromDevice: [true, true, true] },
    ]);
  });

  it('describes HTTP ingest with every status the service answers and an example batch with exactly one refusal', () => {
    expect(rendered).toContain('POST /api/ingest/{domain}/{deviceId}');
    for (const { status } of INGEST_STATUSES) expect(rendered).toMatch(new RegExp(`\\n\\| ${status} \\| `));
    const batch = httpExampleBatch(contractExamples()[2]);
    const result = validateTelemetry(batch.address, Buffer.from(batch.body), EXAMPLE_TIME + 1000, loadHubConfig({}).validation, MetricCatalogue.BUILT_IN);
    expect({ readings: result.readings.length, refused: result.rejections.map(({ index, reason }) => ({ index, reason })) }).toEqual({ readings: 2, refused: [{ index: 1, reason: 'VALUE_OUT_OF_RANGE' }] });
    expect(rendered).toContain(`'${batch.body}'`);
  });
});
