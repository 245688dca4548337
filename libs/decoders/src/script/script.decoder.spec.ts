import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DecoderDefinitionError } from '../decoder-definition.error';
import { DEFAULT_DECODER_LIMITS } from '../decoder-factory';
import { ScriptDecoder } from './script.decoder';

const WATER_METER_CODEC = readFileSync(path.join(__dirname, '../fixtures/water-meter.codec.js'), 'utf8');
const FRAME = Buffer.from('010001E24001F40E10050C', 'hex');
const receivedAt = new Date('2026-12-05T08:15:42Z');
const script = (source: string, extra: object = {}) => ScriptDecoder.create({ source, ...extra }, DEFAULT_DECODER_LIMITS);
const withCodec = (body: string) => script(`function decodeUplink(input) { ${body} }`);

describe('ScriptDecoder', () => {
  const decoders: ScriptDecoder[] = [];
  const keep = async (decoder: Promise<ScriptDecoder>) => {
    decoders.push(await decoder);
    return decoders[decoders.length - 1]!;
  };
  afterAll(() => decoders.forEach((decoder) => decoder.dispose()));

  it('decodes an 11-byte water-meter frame through its vendor codec and a field → metric mapping', async () => {
    const meter = await keep(
      script(WATER_METER_CODEC, {
        mapping: {
          metrics: {
            volume_m3: { expr: 'volume_l', unit: { from: 'L', to: 'm³' } },
            flow_m3h: { expr: 'flow_m3h' },
            battery_v: { expr: 'battery_v' },
            leak_alarm: { expr: 'alarms.leak ? 1 : 0' },
            temperature_c: { expr: 'temperature_c' },
          },
        },
      }),
    );
    expect(await meter.decode({ bytes: FRAME, fPort: 2, receivedAt })).toEqual({
      readings: [{ metrics: { volume_m3: 123.456, flow_m3h: 5, battery_v: 3.6, leak_alarm: 1, temperature_c: 12 } }],
      warnings: [],
    });
    // Low battery (bit 3) comes back as the codec's own warning; a wrong frame as its own error.
    const lowBattery = Buffer.from(FRAME);
    lowBattery[9] = 0x08;
    expect(await meter.decode({ bytes: lowBattery, fPort: 2, receivedAt })).toEqual({
      readings: [{ metrics: { volume_m3: 123.456, flow_m3h: 5, battery_v: 3.6, leak_alarm: 0, temperature_c: 12 } }],
      warnings: ['battery low'],
    });
    expect(await meter.decode({ bytes: FRAME.subarray(0, 7), fPort: 2, receivedAt })).toEqual({
      reason: 'DECODER_ERROR',
      detail: 'the codec reported errors: expected an 11-byte type-1 frame, got 7 bytes',
    });
    expect(await meter.decode({ bytes: FRAME, fPort: 9, receivedAt })).toEqual({ reason: 'DECODER_ERROR', detail: 'the codec reported errors: unknown fPort 9' });
  });

  it('encodes a command into a downlink frame with the codec\'s encodeDownlink, refusing what the codec or the frame rules refuse', async () => {
    const meter = await keep(script(WATER_METER_CODEC));
    expect(await meter.encode({ data: { name: 'set-interval', args: { seconds: 900 } } })).toEqual({ bytes: Uint8Array.from([0x10, 0x00, 0x0f]), fPort: 3, warnings: [] });
    expect(await meter.encode({ data: { name: 'valve', args: { state: 'closed' } } })).toEqual({ bytes: Uint8Array.from([0x20, 0x01]), fPort: 3, warnings: [] });
    expect(await meter.encode({ data: { name: 'reboot', args: {} } })).toEqual({ reason: 'DECODER_ERROR', detail: 'the codec reported errors: unknown command reboot' });
    const cases: Array<[string, string]> = [
      ['return { bytes: [256], fPort: 3 };', 'bytes is an array, not a list of at most 242 numbers 0–255'],
      ['return { bytes: [1], fPort: 0 };', 'fPort is number 0, not an application port 1–223'],
      ['return 7;', 'encodeDownlink returned number 7, not { bytes, fPort, warnings?, errors? }'],
    ];
    for (const [body, detail] of cases) {
      const codec = await keep(script(`function decodeUplink(input) { return { data: { n: 1 } }; } function encodeDownlink(input) { ${body} }`));
      expect([body, await codec.encode({ data: {} })]).toEqual([body, { reason: 'DECODER_OUTPUT_INVALID', detail }]);
    }
    const looping = await keep(script('function decodeUplink(input) { return { data: { n: 1 } }; } function encodeDownlink(input) { while (true) {} }'));
    expect(await looping.encode({ data: {} })).toEqual({ reason: 'DECODER_TIMEOUT', detail: 'encodeDownlink ran longer than 50 ms' });
    const decodeOnly = await keep(withCodec('return { data: { n: 1 } };'));
    expect(await decodeOnly.encode({ data: {} })).toEqual({ reason: 'DECODER_ERROR', detail: 'the codec defines no encodeDownlink(input): it cannot send commands' });
  });

  it('takes an NB-IoT platform\'s hex or base64 text as the bytes the codec reads', async () => {
    const source = 'function decodeUplink(input) { return { data: { pressure_kpa: ((input.bytes[0] << 8) | input.bytes[1]) / 10 } }; }';
    const hex = await keep(script(source, { payload: 'hex' }));
    expect(await hex.decode({ bytes: Buffer.from('101d'), receivedAt })).toEqual({ readings: [{ metrics: { pressure_kpa: 412.5 } }], warnings: [] });
    expect(await hex.decode({ bytes: Buffer.from(''), text: '0x10 1D', receivedAt })).toEqual({ readings: [{ metrics: { pressure_kpa: 412.5 } }], warnings: [] });
    expect(await hex.decode({ bytes: Buffer.from('10zd'), receivedAt })).toEqual({ reason: 'PAYLOAD_ENCODING_INVALID', detail: 'hex payload: not hex: character "z" at 2' });
    expect(await hex.decode({ bytes: Buffer.from('101'), receivedAt })).toEqual({ reason: 'PAYLOAD_ENCODING_INVALID', detail: 'hex payload: odd number of hex digits (3)' });
    const base64 = await keep(script(source, { payload: 'base64' }));
    expect(await base64.decode({ bytes: Buffer.from('EB0='), receivedAt })).toEqual({ readings: [{ metrics: { pressure_kpa: 412.5 } }], warnings: [] });
    expect(await base64.decode({ bytes: Buffer.from('EB0*'), receivedAt })).toEqual({ reason: 'PAYLOAD_ENCODING_INVALID', detail: 'base64 payload: not base64: "EB0*"' });
  });

  it('passes fPort, recvTime as a Date and the device variables, as ChirpStack does', async () => {
    const echo = await keep(
      withCodec('return { data: { port: input.fPort, at: input.recvTime.getTime(), isDate: input.recvTime instanceof Date ? 1 : 0, k: Number(input.variables.k) } };'),
    );
    expect(await echo.decode({ bytes: FRAME, fPort: 7, receivedAt, variables: { k: '3' } })).toEqual({
      readings: [{ metrics: { port: 7, at: receivedAt.getTime(), isDate: 1, k: 3 } }],
      warnings: [],
    });
  });

  it('stops an endless loop at the time limit, and the next message decodes normally', async () => {
    const looping = await keep(withCodec('if (input.bytes[0] === 0xff) { while (true) {} } return { data: { n: input.bytes[0] } };'));
    const started = Date.now();
    expect(await looping.decode({ bytes: Buffer.from([0xff]), receivedAt })).toEqual({ reason: 'DECODER_TIMEOUT', detail: 'decodeUplink ran longer than 50 ms' });
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(50);
    // 50 ms of the loop, then a fresh instance for the next message (~20 ms); a shared CI core may add some.
    expect(elapsed).toBeLessThan(400);
    expect(await looping.decode({ bytes: Buffer.from([4]), receivedAt })).toEqual({ readings: [{ metrics: { n: 4 } }], warnings: [] });
  });

  it('stops a catastrophic regular expression at the time limit', async () => {
    const regex = await keep(withCodec("return { data: { m: /^(a+)+$/.test('a'.repeat(40) + 'b') ? 1 : 0 } };"));
    expect(await regex.decode({ bytes: FRAME, receivedAt })).toEqual({ reason: 'DECODER_TIMEOUT', detail: 'decodeUplink ran longer than 50 ms' });
  });

  it('refuses a script that allocates past its memory, without growing the process, and recovers', async () => {
    const hungry = await keep(
      withCodec('if (input.bytes[0] === 1) { var keep = []; for (;;) keep.push(new Array(100000).fill(input.bytes[0])); } return { data: { ok: 1 } };'),
    );
    const rssBefore = process.memoryUsage().rss;
    expect(await hungry.decode({ bytes: Buffer.from([1]), receivedAt })).toEqual({
      reason: 'DECODER_MEMORY_LIMIT',
      detail: 'decodeUplink used more than the sandbox\'s 16777216 bytes of memory',
    });
    // Without the capped instance memory this loop took the process past 1.5 GB (the README's measurement).
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(64 * 1024 * 1024);
    const giant = await keep(withCodec('var b = new Uint8Array(64 * 1024 * 1024); return { data: { n: b.length } };'));
    expect(await giant.decode({ bytes: FRAME, receivedAt })).toEqual({
      reason: 'DECODER_MEMORY_LIMIT',
      detail: 'decodeUplink used more than the sandbox\'s 16777216 bytes of memory',
    });
    expect(await hungry.decode({ bytes: Buffer.from([2]), receivedAt })).toEqual({ readings: [{ metrics: { ok: 1 } }], warnings: [] });
  });

  it('refuses a throw as DECODER_ERROR with the script\'s own message, and a thrown non-error value', async () => {
    const thrower = await keep(withCodec("if (input.bytes[0] === 1) throw new RangeError('frame type ' + input.bytes[0] + ' unknown'); throw 'plain text';"));
    expect(await thrower.decode({ bytes: Buffer.from([1]), receivedAt })).toEqual({ reason: 'DECODER_ERROR', detail: 'RangeError: frame type 1 unknown' });
    expect(await thrower.decode({ bytes: Buffer.from([2]), receivedAt })).toEqual({ reason: 'DECODER_ERROR', detail: 'threw "plain text"' });
    const deep = await keep(withCodec('function f(n) { return f(n + 1) + 1; } return { data: { n: f(0) } };'));
    expect(await deep.decode({ bytes: FRAME, receivedAt })).toEqual({ reason: 'DECODER_ERROR', detail: 'InternalError: stack overflow' });
  });

  it('refuses output that is not { data } of numbers, with the exact reason', async () => {
    const cases: Array<[string, string]> = [
      ['return 42;', 'decodeUplink returned number 42, not { data, warnings?, errors? }'],
      ['return [1, 2];', 'decodeUplink returned an array, not { data, warnings?, errors? }'],
      ['return undefined;', 'decodeUplink returned undefined, not an object'],
      ['return function () {};', 'decodeUplink returned function, not an object'],
      ['var o = {}; o.self = o; return { data: o };', expect.stringMatching(/^the output cannot be turned into JSON \(TypeError: circular reference/) as unknown as string],
      ['return { data: { big: 10n } };', expect.stringMatching(/^the output cannot be turned into JSON \(TypeError: /) as unknown as string],
      ["return { data: { flow_m3h: '12.5' } };", 'data.flow_m3h is the string "12.5", not a number (without a mapping every field of data is a metric)'],
      ['return { data: { flow_m3h: NaN } };', 'data.flow_m3h is null, not a number (without a mapping every field of data is a metric)'],
      ['return { data: { alarm: true } };', 'data.alarm is boolean true, not a number (without a mapping every field of data is a metric)'],
      ['return { data: {} };', 'data is empty: no metric'],
      ['return { data: 5 };', 'data is number 5, not an object of metric → number'],
      ["return { data: { a: 1 }, errors: 'bad' };", 'errors is the string "bad", not a list of strings'],
      ["return { data: { s: 'x'.repeat(70000) } };", 'the output is 70017 characters of JSON; at most 65536'],
    ];
    for (const [body, detail] of cases) {
      const decoder = await keep(withCodec(body));
      expect([body, await decoder.decode({ bytes: FRAME, receivedAt })]).toEqual([body, { reason: 'DECODER_OUTPUT_INVALID', detail }]);
    }
  });

  it('gives the codec no require, process, fetch, timers or host globals', async () => {
    const probe = await keep(
      withCodec(`return { data: {
        require: typeof require === 'undefined' ? 1 : 0,
        process: typeof process === 'undefined' ? 1 : 0,
        fetch: typeof globalThis.fetch === 'undefined' ? 1 : 0,
        timers: typeof setTimeout === 'undefined' && typeof setInterval === 'undefined' ? 1 : 0,
        buffer: typeof Buffer === 'undefined' ? 1 : 0,
        wasm: typeof WebAssembly === 'undefined' ? 1 : 0,
        imports: typeof std === 'undefined' && typeof os === 'undefined' ? 1 : 0
      } };`),
    );
    expect(await probe.decode({ bytes: FRAME, receivedAt })).toEqual({
      readings: [{ metrics: { require: 1, process: 1, fetch: 1, timers: 1, buffer: 1, wasm: 1, imports: 1 } }],
      warnings: [],
    });
    const reaching = await keep(withCodec("return { data: { n: require('fs').readFileSync('/etc/passwd').length } };"));
    expect(await reaching.decode({ bytes: FRAME, receivedAt })).toEqual({ reason: 'DECODER_ERROR', detail: "ReferenceError: 'require' is not defined" });
    const constructorEscape = await keep(withCodec("return { data: { n: (function(){}).constructor('return typeof process')() === 'undefined' ? 1 : 0 } };"));
    expect(await constructorEscape.decode({ bytes: FRAME, receivedAt })).toEqual({ readings: [{ metrics: { n: 1 } }], warnings: [] });
  });

  it('runs the older ChirpStack v3 Decode and TTN v2 Decoder conventions as they are', async () => {
    const v3 = await keep(script('function Decode(fPort, bytes, variables) { return { port: fPort, first: bytes[0] }; }'));
    expect(await v3.decode({ bytes: FRAME, fPort: 2, receivedAt })).toEqual({ readings: [{ metrics: { port: 2, first: 1 } }], warnings: [] });
    const v2 = await keep(script('function Decoder(bytes, port) { return { port: port, len: bytes.length }; }'));
    expect(await v2.decode({ bytes: FRAME, fPort: 2, receivedAt })).toEqual({ readings: [{ metrics: { port: 2, len: 11 } }], warnings: [] });
  });

  it('refuses a script that does not compile, loops while loading, or defines no decoder, when it is saved', async () => {
    const issues = async (source: string) => {
      try {
        await script(source);
        return 'accepted';
      } catch (error) {
        return error instanceof DecoderDefinitionError ? error.issues : error;
      }
    };
    expect(await issues('function decodeUplink(input) { return {')).toEqual([{ field: 'source', problem: expect.stringMatching(/^the script failed: SyntaxError: /) }]);
    expect(await issues('while (true) {}')).toEqual([{ field: 'source', problem: 'the script ran longer than 50 ms' }]);
    expect(await issues('var x = 1;')).toEqual([
      { field: 'source', problem: 'the script defines no decodeUplink(input) function (nor ChirpStack v3 Decode or TTN v2 Decoder)' },
    ]);
    expect(await issues('')).toEqual([{ field: 'source', problem: "must be the codec's JavaScript source" }]);
  });
});
