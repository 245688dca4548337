import { formatTextLine, formatValue, jsonFields, splitMessage } from './log-entry';

const NOON = new Date(2026, 11, 5, 12, 1, 2); // local time, as the text line shows it

describe('splitMessage', () => {
  it('takes msg from a structured object and keeps the rest as fields, dropping undefined ones', () => {
    expect(splitMessage({ msg: 'device w-1 refused', deviceId: 'w-1', username: undefined, attempts: 2 }, undefined)).toStrictEqual({
      msg: 'device w-1 refused',
      fields: { deviceId: 'w-1', attempts: 2 },
    });
  });

  it('takes a string as the message and Nest-style params as fields', () => {
    expect(splitMessage('MQTT listening', { port: 1883 })).toStrictEqual({ msg: 'MQTT listening', fields: { port: 1883 } });
  });

  it('takes an Error as its message and an error field', () => {
    const error = new Error('boom');
    expect(splitMessage(error, undefined)).toStrictEqual({ msg: 'boom', fields: { error } });
  });
});

describe('formatTextLine', () => {
  it('writes time, level, context, message and key=value fields on one line', () => {
    const line = formatTextLine({ time: NOON, level: 'warn', context: 'Broker', msg: 'device w-1 refused: wrong secret', fields: {} });
    expect(line).toBe('12:01:02 WARN [Broker] device w-1 refused: wrong secret');
  });

  it('quotes only the values that need it', () => {
    const line = formatTextLine({
      time: NOON,
      level: 'log',
      context: 'MqttPerimeter',
      msg: 'MQTT login refused',
      fields: { address: '127.0.0.1', clientId: 'w-1', detail: 'wrong secret', empty: '', quote: 'a"b', count: 3, ok: false, none: null, limit: { per: 's', n: 5 } },
    });
    expect(line).toBe(
      '12:01:02 LOG [MqttPerimeter] MQTT login refused address=127.0.0.1 clientId=w-1 detail="wrong secret" empty="" quote="a\\"b" count=3 ok=false none=null limit={"per":"s","n":5}',
    );
  });

  it('shows an error as "Name: message" on the line and its stack frames (and its cause) on the next lines', () => {
    const cause = new Error('ECONNREFUSED');
    const error = new TypeError('fetch failed', { cause });
    error.stack = 'TypeError: fetch failed\n    at one (a.js:1:2)\n    at two (b.js:3:4)';
    cause.stack = 'Error: ECONNREFUSED\n    at three (c.js:5:6)';
    const text = formatTextLine({ time: NOON, level: 'error', context: 'InfluxWriter', msg: 'Write failed', fields: { batch: 4, error } });
    expect(text.split('\n')).toStrictEqual([
      '12:01:02 ERROR [InfluxWriter] Write failed batch=4 error="TypeError: fetch failed"',
      '    at one (a.js:1:2)',
      '    at two (b.js:3:4)',
      '  caused by Error: ECONNREFUSED',
      '    at three (c.js:5:6)',
    ]);
  });

  it('leaves out an absent context and paints only the level', () => {
    expect(formatTextLine({ time: NOON, level: 'debug', context: undefined, msg: 'x', fields: {} }, (label) => `<${label}>`)).toBe('12:01:02 <DEBUG> x');
  });
});

describe('formatValue', () => {
  it('keeps a circular value on one line', () => {
    const loop: Record<string, unknown> = { a: 1 };
    loop.self = loop;
    expect(formatValue(loop)).toBe('<ref *1> { a: 1, self: [Circular *1] }');
  });

  it('writes dates as ISO timestamps', () => {
    expect(formatValue(new Date('2026-12-05T10:00:00.000Z'))).toBe('2026-12-05T10:00:00.000Z');
  });
});

describe('jsonFields', () => {
  it('has the same fields as the text line, errors serialized, and the entry keys win', () => {
    const error = new Error('boom');
    const record = jsonFields(
      { time: new Date('2026-12-05T10:00:00.000Z'), level: 'warn', context: 'Broker', msg: 'refused', fields: { deviceId: 'w-1', level: 'fake', error } },
      (each) => ({ name: each.name, message: each.message }),
    );
    expect(record).toStrictEqual({ time: '2026-12-05T10:00:00.000Z', level: 'warn', context: 'Broker', msg: 'refused', deviceId: 'w-1', error: { name: 'Error', message: 'boom' } });
  });
});
