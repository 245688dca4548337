import { MetricCatalogue, BUILT_IN_DOMAINS, BUILT_IN_CATALOGUE } from './metric-catalogue';
import { REJECT_REASON_CODES, REJECT_REASONS, RejectReason } from './reject-reason';
import { DeviceAddress } from './telemetry-topic';
import { MAX_JSON_DEPTH, parseTimestamp, Rejection, ValidationLimits, ValidationResult, validateTelemetry } from './validate-telemetry';

const WATER: DeviceAddress = { domain: 'water', deviceId: 'wtr-001' };
const TRAFFIC: DeviceAddress = { domain: 'traffic', deviceId: 'loop-17' };
const NOW = Date.UTC(2025, 5, 15, 12, 0, 0); // 2025-06-15T12:00:00.000Z
const MINUTE = 60_000;
const DAY = 86_400_000;
const LIMITS: ValidationLimits = { maxPayloadBytes: 4096, maxBatchReadings: 5, maxAgeMs: 7 * DAY, maxFutureMs: 5 * MINUTE };

function validate(json: string, address: DeviceAddress = WATER, limits: ValidationLimits = LIMITS): ValidationResult {
  return validateTelemetry(address, Buffer.from(json, 'utf8'), NOW, limits, MetricCatalogue.BUILT_IN);
}

/** The one rejection of a payload that must be refused whole. */
function refusal(result: ValidationResult): Rejection {
  expect(result.readings).toEqual([]);
  expect(result.rejections).toHaveLength(1);
  return result.rejections[0];
}

const iso = (ms: number): string => new Date(ms).toISOString();

describe('validateTelemetry', () => {
  describe('one case per reason code validation produces', () => {
    const cases: ReadonlyArray<{ reason: RejectReason; payload: string; address?: DeviceAddress; detail: string | RegExp }> = [
      { reason: 'PAYLOAD_TOO_LARGE', payload: 'x'.repeat(4097), detail: 'payload is 4097 bytes, limit 4096' },
      { reason: 'MALFORMED_JSON', payload: '{"metrics":', detail: /JSON/ },
      {
        reason: 'NESTING_TOO_DEEP',
        payload: `{"metrics":{"ph":${'['.repeat(40)}7${']'.repeat(40)}}}`,
        detail: 'arrays and objects nest deeper than 32 levels (byte 47); a reading needs 3',
      },
      {
        reason: 'DUPLICATE_KEY',
        payload: '{"metrics":{"ph":7,"ph":15}}',
        detail: 'key "ph" appears more than once in metrics; JSON parsers disagree on which value counts',
      },
      { reason: 'BATCH_EMPTY', payload: '[]', detail: 'payload is an empty array' },
      { reason: 'BATCH_TOO_LARGE', payload: JSON.stringify(Array(6).fill({ metrics: { ph: 7 } })), detail: 'batch holds 6 readings, limit 5' },
      { reason: 'READING_NOT_OBJECT', payload: '42', detail: 'a reading must be an object, got number 42' },
      { reason: 'FIELD_UNKNOWN', payload: '{"metrics":{"ph":7},"unit":"pH"}', detail: 'unknown field "unit"; allowed: ts, seq, metrics' },
      { reason: 'METRICS_MISSING', payload: '{"seq":1}', detail: '"metrics" must be an object of metric → number, got nothing' },
      { reason: 'METRIC_UNKNOWN', payload: '{"metrics":{"flux":1}}', detail: '"flux" is not a water metric' },
      { reason: 'VALUE_NOT_NUMBER', payload: '{"metrics":{"ph":"7"}}', detail: 'ph is the string "7", not a number' },
      { reason: 'VALUE_NOT_FINITE', payload: '{"metrics":{"ph":1e400}}', detail: 'ph overflows to Infinity' },
      {
        reason: 'VALUE_NOT_INTEGER',
        payload: '{"metrics":{"vehicle_count":2.5}}',
        address: TRAFFIC,
        detail: 'vehicle_count must be a whole number, got 2.5',
      },
      { reason: 'VALUE_OUT_OF_RANGE', payload: '{"metrics":{"ph":14.5}}', detail: 'ph 14.5 pH is outside [0, 14]' },
      { reason: 'TS_INVALID', payload: '{"ts":"yesterday","metrics":{"ph":7}}', detail: 'ts the string "yesterday" is neither epoch ms nor ISO-8601 with a zone' },
      {
        reason: 'TS_IN_FUTURE',
        payload: `{"ts":${NOW + 10 * MINUTE},"metrics":{"ph":7}}`,
        detail: 'ts 2025-06-15T12:10:00.000Z is 600000 ms ahead of the receive time',
      },
      {
        reason: 'TS_TOO_OLD',
        payload: `{"ts":${NOW - 8 * DAY},"metrics":{"ph":7}}`,
        detail: 'ts 2025-06-07T12:00:00.000Z is older than the 604800000 ms window',
      },
      { reason: 'SEQ_INVALID', payload: '{"seq":-1,"metrics":{"ph":7}}', detail: 'seq number -1 is not a non-negative integer' },
    ];

    it('covers every code except the topic parser’s, the status topic’s, the writer’s, those of command replies and config reports, the decoders’ and the network servers’', () => {
      const notValidation: RejectReason[] = [
        'TOPIC_INVALID', 'DOMAIN_UNKNOWN', 'DEVICE_ID_INVALID', 'STATUS_INVALID', 'INFLUX_REFUSED', 'TOPIC_FORBIDDEN', 'DEVICE_QUARANTINED', 'COMMAND_REPLY_INVALID', 'COMMAND_UNKNOWN', 'CONFIG_REPORT_INVALID',
        'PAYLOAD_ENCODING_INVALID', 'DECODER_ERROR', 'DECODER_TIMEOUT', 'DECODER_MEMORY_LIMIT', 'DECODER_OUTPUT_INVALID', 'PROFILE_UNKNOWN',
        'EVENT_NOT_JSON', 'EVENT_MALFORMED', 'DEVICE_NOT_ACTIVE', 'NETWORK_SERVER_ERROR', 'DEV_EUI_UNKNOWN',
      ];
      expect(cases.map((c) => c.reason).sort()).toEqual(REJECT_REASON_CODES.filter((code) => !notValidation.includes(code)).sort());
    });

    it.each(cases)('$reason', ({ reason, payload, address, detail }) => {
      const rejection = refusal(validate(payload, address));
      expect(rejection.reason).toBe(reason);
      if (typeof detail === 'string') expect(rejection.detail).toBe(detail);
      else expect(rejection.detail).toMatch(detail);
      // A single reading or a whole-message failure carries no batch position.
      expect(rejection.index).toBeUndefined();
      expect(rejection.entry).toBeUndefined();
    });
  });

  it('accepts a single reading and returns it with the device address', () => {
    expect(validate('{"ts":1749988800000,"seq":7,"metrics":{"ph":7.1,"pressure_kpa":450}}')).toEqual({
      readings: [{ domain: 'water', deviceId: 'wtr-001', ts: 1749988800000, tsFromDevice: true, seq: 7, metrics: { ph: 7.1, pressure_kpa: 450 } }],
      rejections: [],
    });
  });

  describe('metric values', () => {
    it.each([
      ['the string "12"', '"12"'],
      ['null', 'null'],
      ['boolean true', 'true'],
      ['an object', '{"v":12}'],
      ['an array', '[12]'],
    ])('refuses %s as VALUE_NOT_NUMBER', (described, json) => {
      expect(refusal(validate(`{"metrics":{"ph":${json}}}`))).toEqual({ reason: 'VALUE_NOT_NUMBER', detail: `ph is ${described}, not a number` });
    });

    it('refuses -1e400 as VALUE_NOT_FINITE', () => {
      expect(refusal(validate('{"metrics":{"pressure_kpa":-1e400}}'))).toEqual({
        reason: 'VALUE_NOT_FINITE',
        detail: 'pressure_kpa overflows to -Infinity',
      });
    });

    it.each([
      ['a 400-digit integer', `1${'0'.repeat(399)}`, 'overflows to Infinity'],
      ['a negative 400-digit integer', `-1${'0'.repeat(399)}`, 'overflows to -Infinity'],
      ['1e309', '1e309', 'overflows to Infinity'],
    ])('refuses %s as VALUE_NOT_FINITE', (_label, literal, overflow) => {
      expect(refusal(validate(`{"metrics":{"ph":${literal}}}`))).toEqual({ reason: 'VALUE_NOT_FINITE', detail: `ph ${overflow}` });
    });

    it('refuses a 300-digit integer (finite, 1e299) as VALUE_OUT_OF_RANGE', () => {
      expect(refusal(validate(`{"metrics":{"ph":1${'0'.repeat(299)}}}`))).toEqual({ reason: 'VALUE_OUT_OF_RANGE', detail: 'ph 1e+299 pH is outside [0, 14]' });
    });

    it('accepts -0 and -0.0 as the value 0 (a sensor rounding -0.04 prints it); the line protocol writes 0', () => {
      for (const literal of ['-0', '-0.0', '-0e5']) {
        const [reading] = validate(`{"metrics":{"level_m":${literal}}}`).readings;
        expect(reading.metrics.level_m).toBe(-0);
        expect(`${reading.metrics.level_m}`).toBe('0');
      }
    });

    it('refuses a NaN literal as MALFORMED_JSON (JSON has no NaN)', () => {
      const rejection = refusal(validate('{"metrics":{"ph":NaN}}'));
      expect(rejection.reason).toBe('MALFORMED_JSON');
      expect(rejection.detail).toMatch(/not valid JSON/);
    });

    it('refuses invalid UTF-8 as MALFORMED_JSON', () => {
      // {"metrics":{"ph":7}} with a lone 0xFF byte inside the key.
      const payload = Buffer.concat([Buffer.from('{"metrics":{"p'), Buffer.from([0xff]), Buffer.from('h":7}}')]);
      const rejection = refusal(validateTelemetry(WATER, payload, NOW, LIMITS, MetricCatalogue.BUILT_IN));
      expect(rejection.reason).toBe('MALFORMED_JSON');
      expect(rejection.detail).toBe('payload is not valid UTF-8');
    });

    const everyMetric = BUILT_IN_DOMAINS.flatMap((domain) =>
      Object.entries(BUILT_IN_CATALOGUE[domain]).map(([metric, spec]) => ({ domain, metric, min: spec.range[0], max: spec.range[1], unit: spec.unit, integer: spec.integer === true })),
    );

    it.each(everyMetric)('$domain.$metric accepts its range bounds [$min, $max] and refuses just outside', ({ domain, metric, min, max, unit, integer }) => {
      const address: DeviceAddress = { domain, deviceId: 'dev-1' };
      const one = (value: number) => validate(`{"metrics":{"${metric}":${value}}}`, address);
      expect(one(min).readings[0].metrics).toEqual({ [metric]: min });
      expect(one(max).readings[0].metrics).toEqual({ [metric]: max });
      // A count's nearest outside value is a whole number; anything else, a thousandth.
      const step = integer ? 1 : 0.001;
      const below = min - step;
      const above = max + step;
      expect(refusal(one(below))).toEqual({ reason: 'VALUE_OUT_OF_RANGE', detail: `${metric} ${below} ${unit} is outside [${min}, ${max}]` });
      expect(refusal(one(above))).toEqual({ reason: 'VALUE_OUT_OF_RANGE', detail: `${metric} ${above} ${unit} is outside [${min}, ${max}]` });
    });

    it('accepts a whole vehicle_count and refuses 2.5 as VALUE_NOT_INTEGER', () => {
      expect(validate('{"metrics":{"vehicle_count":3}}', TRAFFIC).readings[0].metrics).toEqual({ vehicle_count: 3 });
      expect(refusal(validate('{"metrics":{"vehicle_count":2.5}}', TRAFFIC)).reason).toBe('VALUE_NOT_INTEGER');
    });

    it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])('refuses the inherited name %s as METRIC_UNKNOWN', (name) => {
      expect(refusal(validate(`{"metrics":{"${name}":1}}`))).toEqual({ reason: 'METRIC_UNKNOWN', detail: `"${name}" is not a water metric` });
    });

    it('refuses a metric of another domain', () => {
      expect(refusal(validate('{"metrics":{"vehicle_count":3}}'))).toEqual({ reason: 'METRIC_UNKNOWN', detail: '"vehicle_count" is not a water metric' });
    });

    it('refuses the whole reading when one of its metrics is bad', () => {
      expect(refusal(validate('{"metrics":{"ph":7,"level_m":-1}}'))).toEqual({ reason: 'VALUE_OUT_OF_RANGE', detail: 'level_m -1 m is outside [0, 100]' });
    });

    it('refuses an empty or non-object "metrics" as METRICS_MISSING', () => {
      expect(refusal(validate('{"metrics":{}}'))).toEqual({ reason: 'METRICS_MISSING', detail: '"metrics" is empty' });
      expect(refusal(validate('{"metrics":[7]}'))).toEqual({ reason: 'METRICS_MISSING', detail: '"metrics" must be an object of metric → number, got an array' });
      expect(refusal(validate('{"metrics":null}'))).toEqual({ reason: 'METRICS_MISSING', detail: '"metrics" must be an object of metric → number, got null' });
    });
  });

  describe('ts', () => {
    const withTs = (ts: unknown) => validate(JSON.stringify({ ts, metrics: { ph: 7 } }));

    it('takes epoch milliseconds as they are', () => {
      expect(withTs(NOW - 1234).readings[0]).toMatchObject({ ts: NOW - 1234, tsFromDevice: true });
    });

    it('takes ISO-8601 with Z and with an offset to the exact millisecond', () => {
      expect(withTs('2025-06-15T11:59:30.250Z').readings[0].ts).toBe(NOW - 29_750);
      expect(withTs('2025-06-15T13:59:30.250+02:00').readings[0].ts).toBe(NOW - 29_750);
    });

    it('refuses ISO-8601 without a zone as TS_INVALID', () => {
      expect(refusal(withTs('2025-06-15T12:00:00'))).toEqual({
        reason: 'TS_INVALID',
        detail: 'ts the string "2025-06-15T12:00:00" is neither epoch ms nor ISO-8601 with a zone',
      });
    });

    it('accepts ts exactly at the future-skew and age limits and refuses 1 ms beyond', () => {
      expect(withTs(NOW + LIMITS.maxFutureMs).readings[0].ts).toBe(NOW + LIMITS.maxFutureMs);
      expect(withTs(NOW - LIMITS.maxAgeMs).readings[0].ts).toBe(NOW - LIMITS.maxAgeMs);
      expect(refusal(withTs(NOW + LIMITS.maxFutureMs + 1))).toEqual({
        reason: 'TS_IN_FUTURE',
        detail: `ts ${iso(NOW + LIMITS.maxFutureMs + 1)} is 300001 ms ahead of the receive time`,
      });
      expect(refusal(withTs(NOW - LIMITS.maxAgeMs - 1))).toEqual({
        reason: 'TS_TOO_OLD',
        detail: `ts ${iso(NOW - LIMITS.maxAgeMs - 1)} is older than the 604800000 ms window`,
      });
    });

    it('gives a reading without ts the receive time and marks it so', () => {
      expect(validate('{"metrics":{"ph":7}}').readings).toEqual([{ domain: 'water', deviceId: 'wtr-001', ts: NOW, tsFromDevice: false, metrics: { ph: 7 } }]);
    });

    it('refuses ts: null rather than treating it as absent', () => {
      expect(refusal(withTs(null)).reason).toBe('TS_INVALID');
    });

    it.each([
      // Past the last instant a Date can hold: refused as invalid, not a crash while printing it (no PUBACK, resent forever).
      ['8640000000000001'],
      ['9007199254740991'],
      ['9007199254740993'],
      [`1${'0'.repeat(399)}`],
      ['1e400'],
      ['1764201600000.5'],
    ])('refuses the epoch literal %s as TS_INVALID', (literal) => {
      expect(refusal(validate(`{"ts":${literal},"metrics":{"ph":7}}`)).reason).toBe('TS_INVALID');
    });

    it('says when a refused ts looks like epoch seconds or microseconds', () => {
      expect(refusal(withTs(Math.floor(NOW / 1000))).detail).toMatch(/is older than the 604800000 ms window; epoch seconds\? ts is in milliseconds$/);
      expect(refusal(withTs(NOW * 1000)).detail).toMatch(/ahead of the receive time; epoch microseconds\? ts is in milliseconds$/);
      expect(refusal(withTs(NOW + 10 * MINUTE)).detail).toBe(`ts ${iso(NOW + 10 * MINUTE)} is 600000 ms ahead of the receive time`);
      expect(refusal(withTs(1000)).detail).toBe(`ts ${iso(1000)} is older than the 604800000 ms window`);
    });
  });

  describe('seq', () => {
    it.each([
      [-1, 'number -1'],
      [1.5, 'number 1.5'],
      ['3', 'the string "3"'],
      [2 ** 53, `number ${2 ** 53}`],
    ])('refuses %p as SEQ_INVALID', (seq, described) => {
      expect(refusal(validate(JSON.stringify({ seq, metrics: { ph: 7 } })))).toEqual({
        reason: 'SEQ_INVALID',
        detail: `seq ${described} is not a non-negative integer`,
      });
    });

    it.each([
      ['-0', 'number -0'],
      // Beyond float precision: 2^53 + 1 parses to 2^53, which is not a safe integer.
      ['9007199254740993', 'number 9007199254740992'],
      [`1${'0'.repeat(399)}`, 'number Infinity'],
      ['1e400', 'number Infinity'],
    ])('refuses the literal %s as SEQ_INVALID', (literal, described) => {
      expect(refusal(validate(`{"seq":${literal},"metrics":{"ph":7}}`))).toEqual({ reason: 'SEQ_INVALID', detail: `seq ${described} is not a non-negative integer` });
    });

    it('accepts 0 and keeps it on the reading', () => {
      expect(validate('{"seq":0,"metrics":{"ph":7}}').readings[0].seq).toBe(0);
    });
  });

  describe('batches', () => {
    it('returns the good entries and one rejection per bad entry with its index and the entry itself', () => {
      const batch = [
        { ts: NOW - 2000, seq: 1, metrics: { ph: 7 } },
        { ts: NOW - 1000, seq: 2, metrics: { ph: 15 } },
        7,
        { seq: 4, metrics: { level_m: 4.2 } },
        { seq: 5, metrics: { ph: 7 }, extra: true },
      ];
      expect(validate(JSON.stringify(batch))).toEqual({
        readings: [
          { domain: 'water', deviceId: 'wtr-001', ts: NOW - 2000, tsFromDevice: true, seq: 1, metrics: { ph: 7 } },
          { domain: 'water', deviceId: 'wtr-001', ts: NOW, tsFromDevice: false, seq: 4, metrics: { level_m: 4.2 } },
        ],
        rejections: [
          { reason: 'VALUE_OUT_OF_RANGE', detail: 'ph 15 pH is outside [0, 14]', index: 1, entry: JSON.stringify(batch[1]) },
          { reason: 'READING_NOT_OBJECT', detail: 'a reading must be an object, got number 7', index: 2, entry: '7' },
          { reason: 'FIELD_UNKNOWN', detail: 'unknown field "extra"; allowed: ts, seq, metrics', index: 4, entry: JSON.stringify(batch[4]) },
        ],
      });
    });

    it('accepts exactly maxBatchReadings entries', () => {
      const result = validate(JSON.stringify(Array.from({ length: 5 }, (_, seq) => ({ seq, metrics: { ph: 7 } }))));
      expect(result.rejections).toEqual([]);
      expect(result.readings.map((reading) => reading.seq)).toEqual([0, 1, 2, 3, 4]);
    });

    it('refuses an empty array as BATCH_EMPTY and one over the limit as BATCH_TOO_LARGE without checking entries', () => {
      expect(refusal(validate('[]'))).toEqual({ reason: 'BATCH_EMPTY', detail: 'payload is an empty array' });
      expect(refusal(validate(JSON.stringify([{ metrics: { ph: 7 } }, 1, 2, 3, 4, 5])))).toEqual({
        reason: 'BATCH_TOO_LARGE',
        detail: 'batch holds 6 readings, limit 5',
      });
    });

    it('refuses a nested array entry as READING_NOT_OBJECT', () => {
      expect(validate('[[{"metrics":{"ph":7}}]]')).toEqual({
        readings: [],
        rejections: [{ reason: 'READING_NOT_OBJECT', detail: 'a reading must be an object, got an array', index: 0, entry: '[{"metrics":{"ph":7}}]' }],
      });
    });
  });

  describe('payload size', () => {
    it('counts bytes, not characters, and accepts exactly maxPayloadBytes', () => {
      const json = '{"metrics":{"ph":7}}';
      const limits = { ...LIMITS, maxPayloadBytes: 64 };
      const exact = json + ' '.repeat(64 - json.length);
      expect(validate(exact, WATER, limits).readings).toHaveLength(1);
      expect(refusal(validate(`${exact} `, WATER, limits))).toEqual({ reason: 'PAYLOAD_TOO_LARGE', detail: 'payload is 65 bytes, limit 64' });
      // "é" is two bytes in UTF-8: 64 bytes in 45 characters, parsed (and refused for its field), not refused for size.
      const multibyte = `{"metrics":{"ph":7},"é":"${'é'.repeat(18)}"}`;
      expect([multibyte.length, Buffer.byteLength(multibyte)]).toEqual([45, 64]);
      expect(refusal(validate(multibyte, WATER, limits)).reason).toBe('FIELD_UNKNOWN');
      expect(refusal(validate(`${multibyte}\n`, WATER, limits)).reason).toBe('PAYLOAD_TOO_LARGE');
    });

    it('checks the size before parsing', () => {
      // Not JSON at all, yet refused for its size: the parser never ran.
      expect(refusal(validate('{'.repeat(4097))).reason).toBe('PAYLOAD_TOO_LARGE');
    });
  });

  describe('hostile nesting', () => {
    const limits = { ...LIMITS, maxPayloadBytes: 256 * 1024 };
    const deep = (levels: number, inner = '') => '['.repeat(levels) + inner + ']'.repeat(levels);

    it('refuses 100k levels of arrays whole as NESTING_TOO_DEEP, before parsing', () => {
      const payload = deep(100_000);
      expect(Buffer.byteLength(payload)).toBeLessThanOrEqual(limits.maxPayloadBytes);
      expect(refusal(validate(payload, WATER, limits))).toEqual({
        reason: 'NESTING_TOO_DEEP',
        detail: `arrays and objects nest deeper than 32 levels (byte ${MAX_JSON_DEPTH}); a reading needs 3`,
      });
    });

    it('refuses a whole batch when one entry nests too deep: the text is hostile, not one reading', () => {
      const payload = `[{"metrics":{"ph":7}},{"metrics":{"ph":${deep(100_000, '1')}}}]`;
      expect(refusal(validate(payload, WATER, limits)).reason).toBe('NESTING_TOO_DEEP');
    });

    it('refuses 100k unclosed brackets as NESTING_TOO_DEEP without reading them all', () => {
      expect(refusal(validate('['.repeat(100_000), WATER, limits)).reason).toBe('NESTING_TOO_DEEP');
    });

    it(`accepts exactly ${MAX_JSON_DEPTH} levels (judged as a reading) and refuses ${MAX_JSON_DEPTH + 1}`, () => {
      // batch → reading → metrics → 29 arrays around the value: 32 levels.
      const at = (levels: number) => validate(`[{"metrics":{"ph":${deep(levels - 3, '7')}}}]`);
      expect(at(MAX_JSON_DEPTH)).toEqual({
        readings: [],
        rejections: [{ reason: 'VALUE_NOT_NUMBER', detail: 'ph is an array, not a number', index: 0, entry: `{"metrics":{"ph":${deep(29, '7')}}}` }],
      });
      expect(refusal(at(MAX_JSON_DEPTH + 1)).reason).toBe('NESTING_TOO_DEEP');
    });

    it('does not count brackets inside strings, escaped quotes included', () => {
      const key = `x\\"${'['.repeat(100)}`;
      const shown = JSON.stringify(`x"${'['.repeat(62)}…`);
      expect(refusal(validate(`{"metrics":{"ph":7},"${key}":1}`))).toEqual({ reason: 'FIELD_UNKNOWN', detail: `unknown field ${shown}; allowed: ts, seq, metrics` });
    });

    it('names the limit in the reason text the contract doc shows', () => {
      expect(REJECT_REASONS.NESTING_TOO_DEEP).toContain(`${MAX_JSON_DEPTH} levels`);
    });
  });

  describe('duplicate keys', () => {
    it.each([
      ['{"ts":1749988700000,"ts":1749988800000,"metrics":{"ph":7}}', 'key "ts" appears more than once in (top level)'],
      ['{"metrics":{"ph":7},"metrics":{"ph":8}}', 'key "metrics" appears more than once in (top level)'],
      ['[{"metrics":{"ph":7}},{"metrics":{"ph":7,"level_m":2,"ph":7}}]', 'key "ph" appears more than once in [1].metrics'],
      // JSON.parse decodes escapes, so "p\u0068" is "ph" too.
      ['{"metrics":{"ph":7,"p\\u0068":8}}', 'key "ph" appears more than once in metrics'],
      ['{"metrics":{"ph":7},"x":{"a\\u0000":1,"a\\u0000":2}}', 'key "a\\u0000" appears more than once in x'],
    ])('refuses %s whole', (payload, where) => {
      expect(refusal(validate(payload))).toEqual({ reason: 'DUPLICATE_KEY', detail: `${where}; JSON parsers disagree on which value counts` });
    });

    it('accepts the same key in different objects', () => {
      expect(validate('[{"seq":1,"metrics":{"ph":7}},{"seq":2,"metrics":{"ph":7}}]').readings).toHaveLength(2);
    });
  });

  describe('hostile bytes and text', () => {
    const bytes = (...parts: Array<string | number[]>) => Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part) : Buffer.from(part))));

    it('refuses a UTF-8 byte order mark as MALFORMED_JSON instead of dropping it silently', () => {
      expect(refusal(validateTelemetry(WATER, bytes([0xef, 0xbb, 0xbf], '{"metrics":{"ph":7}}'), NOW, LIMITS, MetricCatalogue.BUILT_IN))).toEqual({
        reason: 'MALFORMED_JSON',
        detail: 'payload starts with a UTF-8 byte order mark (EF BB BF); JSON sent over a network must not (RFC 8259 §8.1)',
      });
    });

    it.each([
      ['an overlong encoding of "/"', [0xc0, 0xaf]],
      ['a UTF-16 surrogate encoded in UTF-8', [0xed, 0xa0, 0x80]],
      ['a code point above U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
      ['a truncated sequence', [0xe2, 0x82]],
      ['a lone continuation byte', [0x80]],
    ])('refuses %s as MALFORMED_JSON (not valid UTF-8)', (_label, sequence) => {
      expect(refusal(validateTelemetry(WATER, bytes('{"metrics":{"ph":7},"', sequence, '":1}'), NOW, LIMITS, MetricCatalogue.BUILT_IN))).toEqual({
        reason: 'MALFORMED_JSON',
        detail: 'payload is not valid UTF-8',
      });
    });

    it('refuses a raw NUL byte as MALFORMED_JSON with the NUL shown as \\u0000, not embedded', () => {
      const rejection = refusal(validateTelemetry(WATER, bytes('{"metrics":{"ph":', [0], '7}}'), NOW, LIMITS, MetricCatalogue.BUILT_IN));
      expect(rejection.reason).toBe('MALFORMED_JSON');
      expect(rejection.detail).toContain('\\u0000');
      // eslint-disable-next-line no-control-regex -- asserts the detail carries no raw control characters
      expect(rejection.detail).not.toMatch(/[\u0000-\u001f]/);
    });

    it('shows an escaped NUL or a right-to-left override in a key visibly in the detail', () => {
      expect(refusal(validate('{"metrics":{"p\\u0000h":7}}'))).toEqual({ reason: 'METRIC_UNKNOWN', detail: '"p\\u0000h" is not a water metric' });
      expect(refusal(validate('{"metrics":{"ph":7},"\\u202eevil":1}'))).toEqual({ reason: 'FIELD_UNKNOWN', detail: 'unknown field "\\u202eevil"; allowed: ts, seq, metrics' });
    });

    it('cuts a huge key or string in the detail', () => {
      const limits = { ...LIMITS, maxPayloadBytes: 256 * 1024 };
      const key = 'k'.repeat(200_000);
      expect(refusal(validate(`{"metrics":{"ph":7},"${key}":1}`, WATER, limits))).toEqual({
        reason: 'FIELD_UNKNOWN',
        detail: `unknown field "${'k'.repeat(64)}…"; allowed: ts, seq, metrics`,
      });
      expect(refusal(validate(`{"ts":"${key}","metrics":{"ph":7}}`, WATER, limits))).toEqual({
        reason: 'TS_INVALID',
        detail: `ts the string "${'k'.repeat(32)}…" is neither epoch ms nor ISO-8601 with a zone`,
      });
    });

    it('refuses many keys at the first unknown one', () => {
      const limits = { ...LIMITS, maxPayloadBytes: 256 * 1024 };
      const many = Array.from({ length: 20_000 }, (_, index) => `"m${index}":1`).join(',');
      expect(refusal(validate(`{"metrics":{${many}}}`, WATER, limits))).toEqual({ reason: 'METRIC_UNKNOWN', detail: '"m0" is not a water metric' });
      expect(refusal(validate(`{"metrics":{"ph":7},${many}}`, WATER, limits))).toEqual({ reason: 'FIELD_UNKNOWN', detail: 'unknown field "m0"; allowed: ts, seq, metrics' });
    });

    it.each(['__proto__', 'constructor', 'prototype'])('refuses %s as a field, and does not touch any prototype', (key) => {
      const payload = `{"metrics":{"ph":7},"${key}":{"polluted":true,"prototype":{"polluted":true}}}`;
      expect(refusal(validate(payload))).toEqual({ reason: 'FIELD_UNKNOWN', detail: `unknown field "${key}"; allowed: ts, seq, metrics` });
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined();
    });
  });
});

describe('parseTimestamp', () => {
  it.each([
    [1749988800000, 1749988800000],
    [0, 0],
    ['2025-06-15T12:00:00Z', Date.UTC(2025, 5, 15, 12)],
    ['2025-06-15T12:00Z', Date.UTC(2025, 5, 15, 12)],
    ['2025-06-15T12:00:00.123Z', Date.UTC(2025, 5, 15, 12, 0, 0, 123)],
    ['2025-06-15T14:00:00.123+02:00', Date.UTC(2025, 5, 15, 12, 0, 0, 123)],
    ['2025-06-15T07:30:00-04:30', Date.UTC(2025, 5, 15, 12)],
    ['2025-06-15T14:00:00+0200', Date.UTC(2025, 5, 15, 12)],
    ['2024-02-29T00:00:00Z', Date.UTC(2024, 1, 29)],
  ])('parses %p as %p', (value, expected) => {
    expect(parseTimestamp(value)).toBe(expected);
  });

  it.each([
    ['a negative number', -1],
    ['a fraction', 1.5],
    ['an unsafe integer', 2 ** 53],
    ['NaN', NaN],
    ['epoch ms as a string', '1749988800000'],
    ['a date without time', '2025-06-15'],
    ['a time without zone', '2025-06-15T12:00:00'],
    ['a space instead of T', '2025-06-15 12:00:00Z'],
    ['month 13', '2025-13-01T00:00:00Z'],
    ['hour 25', '2025-06-15T25:00:00Z'],
    ['30 February', '2024-02-30T00:00:00Z'],
    ['29 February of a common year', '2025-02-29T00:00:00Z'],
    ['31 April', '2025-04-31T00:00:00Z'],
    ['a string over 40 characters', '2025-06-15T12:00:00.123456789+02:00' + '     x'],
    ['null', null],
    ['a boolean', true],
    ['an object', { ms: 1 }],
  ])('refuses %s', (_label, value) => {
    expect(parseTimestamp(value)).toBeUndefined();
  });
});

describe('validateTelemetry against a catalogue admins changed', () => {
  const flood = new MetricCatalogue(
    new Map([
      [
        'flood',
        {
          description: 'Flood office',
          builtIn: false,
          metrics: new Map([
            ['river_level_m', { unit: 'm', description: 'River level', range: [-2, 30] as const, typical: [0.5, 3] as const }],
            ['rain_mm', { unit: 'mm', description: 'Rain', range: [0, 500] as const, typical: [0, 5] as const, retiredAt: NOW - DAY }],
          ]),
        },
      ],
    ]),
  );
  const GAUGE: DeviceAddress = { domain: 'flood', deviceId: 'gauge-1' };
  const check = (json: string): ValidationResult => validateTelemetry(GAUGE, Buffer.from(json, 'utf8'), NOW, LIMITS, flood);

  it('takes a metric of the catalogue it is given, and its range', () => {
    expect(check('{"metrics":{"river_level_m":-1.5}}').readings).toEqual([{ domain: 'flood', deviceId: 'gauge-1', ts: NOW, tsFromDevice: false, seq: undefined, metrics: { river_level_m: -1.5 } }]);
    expect(refusal(check('{"metrics":{"river_level_m":30.5}}'))).toEqual({ reason: 'VALUE_OUT_OF_RANGE', detail: 'river_level_m 30.5 m is outside [-2, 30]' });
  });

  it('refuses a retired metric, saying since when', () => {
    expect(refusal(check('{"metrics":{"rain_mm":1}}'))).toEqual({ reason: 'METRIC_UNKNOWN', detail: `"rain_mm" was retired from flood on ${iso(NOW - DAY)}` });
  });
});
