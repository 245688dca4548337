import { mulberry32 } from '@hub/common';
import { MetricCatalogue, Domain, BUILT_IN_DOMAINS, BUILT_IN_CATALOGUE, parseSensorTopic, Reading } from '@hub/contract';
import { escapeKey, escapeTagValue, parseLineSeries, readingToLine } from './line-protocol';

const TS = 1_714_564_800_123;

function reading(domain: Domain, deviceId: string, metrics: Record<string, number>): Reading {
  return { domain, deviceId, ts: TS, tsFromDevice: true, metrics };
}

describe('escapeTagValue', () => {
  it.each([
    ['plain', 'plain'],
    ['a b,c=d', 'a\\ b\\,c\\=d'],
    ['', ''],
    // A backslash not followed by a delimiter is literal in every parser: left alone.
    ['C:\\temp', 'C:\\temp'],
    // A backslash right before a delimiter: the run is doubled, then the delimiter escaped (x\\\,y).
    ['x\\,y', 'x\\\\\\,y'],
    ['x\\\\ y', 'x\\\\\\\\\\ y'],
    // Newlines cannot appear in a line: a run of CR/LF becomes one (escaped) space.
    ['a\r\nb', 'a\\ b'],
  ])('%j → %j', (value, escaped) => {
    expect(escapeTagValue(value)).toBe(escaped);
  });

  it('ends a value with a trailing backslash in an escaped space, with the backslash doubled', () => {
    // `yard\` → `yard\\\ `: InfluxDB 1.6 stores `yard\\ `, VictoriaMetrics `yard\ ` (see the contract suite).
    expect(escapeTagValue('yard\\')).toBe('yard\\\\\\ ');
    expect(escapeTagValue('yard\\\\')).toBe(`yard${'\\'.repeat(5)} `);
    expect(escapeTagValue('\\')).toBe('\\\\\\ ');
  });
});

describe('escapeKey', () => {
  it.each([
    ['pressure_kpa', 'pressure_kpa'],
    ['flow m3/h', 'flow\\ m3/h'],
    ['a=b,c', 'a\\=b\\,c'],
    ['a\nb', 'a\\ b'],
  ])('%j → %j', (key, escaped) => {
    expect(escapeKey(key)).toBe(escaped);
  });
});

describe('readingToLine', () => {
  it('writes measurement, device_id tag, float fields in order and the ms timestamp', () => {
    expect(readingToLine(reading('water', 'pump-7', { pressure_kpa: 412.5, flow_m3h: 20 }))).toBe(
      `water,device_id=pump-7 pressure_kpa=412.5,flow_m3h=20 ${TS}`,
    );
  });

  it('puts device_id among the extra tags in key order', () => {
    const line = readingToLine(reading('water', 'd1', { level_m: 4 }), [
      ['area', 'north'],
      ['site', 'pump 3'],
      ['zone', '7'],
    ]);
    expect(line).toBe(`water,area=north,device_id=d1,site=pump\\ 3,zone=7 level_m=4 ${TS}`);
  });

  it('puts device_id last when every extra tag sorts before it', () => {
    expect(readingToLine(reading('gas', 'g1', { temperature_c: 9 }), [['area', 'n'], ['city', 'Ely']])).toBe(
      `gas,area=n,city=Ely,device_id=g1 temperature_c=9 ${TS}`,
    );
  });

  it('skips extra tags with an empty value (line protocol has no empty tag values), keeping device_id in place', () => {
    expect(readingToLine(reading('water', 'd1', { ph: 7.2 }), [['area', ''], ['site', ''], ['zone', 'z']])).toBe(
      `water,device_id=d1,zone=z ph=7.2 ${TS}`,
    );
  });

  it('writes floats in their shortest round-trip form: negatives, exponents, zero', () => {
    const line = readingToLine(
      reading('power', 'p1', {
        active_power_kw: -1500.25,
        power_factor: 0.1 + 0.2,
        voltage_v: 1e-7,
        current_a: 2.5e21,
        frequency_hz: -0,
        transformer_temp_c: 1_000_000,
      }),
    );
    expect(line).toBe(
      `power,device_id=p1 active_power_kw=-1500.25,power_factor=0.30000000000000004,voltage_v=1e-7,current_a=2.5e+21,frequency_hz=0,transformer_temp_c=1000000 ${TS}`,
    );
  });

  it('keeps the line well-formed when an extra tag value ends in a backslash', () => {
    expect(readingToLine(reading('heat', 'h1', { flow_m3h: 80 }), [['site', 'yard\\']])).toBe(
      `heat,device_id=h1,site=yard\\\\\\  flow_m3h=80 ${TS}`,
    );
  });
});

describe('field keys', () => {
  it('are catalogue metric names, which need no escaping (readingToLine writes them as they are)', () => {
    for (const domain of BUILT_IN_DOMAINS) {
      for (const name of Object.keys(BUILT_IN_CATALOGUE[domain])) expect(escapeKey(name)).toBe(name);
    }
  });
});

describe('device ids from topics', () => {
  it('are only ever ids that need no escaping: every hostile topic is refused by the parser first', () => {
    // Seeded: characters that matter to line protocol, InfluxQL or MQTT, around otherwise valid topics.
    const random = mulberry32(61);
    const hostile = [' ', ',', '=', '\\', '"', "'", '\n', '\r', '\t', '\u0000', 'é', '🚰', '/', '+', '#', '$', '.', '*', 'a', '-', '_', '9'];
    let admitted = 0;
    for (let attempt = 0; attempt < 5000; attempt++) {
      let id = '';
      const length = Math.floor(random() * 8);
      for (let index = 0; index < length; index++) id += hostile[Math.floor(random() * hostile.length)];
      const parsed = parseSensorTopic(`sensors/${BUILT_IN_DOMAINS[attempt % BUILT_IN_DOMAINS.length]}/${id}/telemetry`, MetricCatalogue.BUILT_IN);
      if (!parsed.ok) continue;
      admitted++;
      expect(parsed.address.deviceId).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
      expect(escapeTagValue(parsed.address.deviceId)).toBe(parsed.address.deviceId);
    }
    // The generator must reach both sides, or the test proves nothing.
    expect(admitted).toBeGreaterThan(50);
    expect(admitted).toBeLessThan(5000);
  });

  it.each(['dev,evil=1', 'dev ph=14', 'dev\\', 'dev\nwater', 'dév', ''])('refuses the id %j', (id) => {
    expect(parseSensorTopic(`sensors/water/${id}/telemetry`, MetricCatalogue.BUILT_IN)).toMatchObject({ ok: false });
  });
});

describe('parseLineSeries', () => {
  it('reads back the measurement and tags readingToLine wrote, for the longest device id the contract allows', () => {
    const deviceId = `A-z_9${'x'.repeat(59)}`;
    expect(parseSensorTopic(`sensors/water/${deviceId}/telemetry`, MetricCatalogue.BUILT_IN)).toMatchObject({ ok: true });
    const line = readingToLine(reading('water', deviceId, { pressure_kpa: 412.5, flow_m3h: 1 }), [['site', 'Mill Lane'], ['town', 'Ashford']]);
    expect(parseLineSeries(line)).toEqual({ measurement: 'water', tags: { device_id: deviceId, site: 'Mill Lane', town: 'Ashford' } });
  });

  it.each([
    ['a b,c=d', 'a b,c=d'],
    ['C:\\temp', 'C:\\temp'],
    ['x\\,y', 'x\\,y'],
    ['x\\\\ y', 'x\\\\ y'],
    ['=', '='],
    [',', ','],
    [' lead and trail ', ' lead and trail '],
    ['North, Unit = 4 \\', 'North, Unit = 4 \\ '],
    ['yard\\\\', 'yard\\\\ '],
    ['a\r\nb', 'a b'],
  ])('undoes escapeTagValue for the tag value %j (→ %j) and keeps its neighbours', (value, read) => {
    const line = readingToLine(reading('heat', 'h-1', { flow_m3h: 1 }), [['area', value], ['site', 'plain']]);
    expect(parseLineSeries(line)).toEqual({ measurement: 'heat', tags: { area: read, device_id: 'h-1', site: 'plain' } });
  });

  it('undoes escapeKey in tag keys', () => {
    const key = 'odd key,=x';
    expect(parseLineSeries(`gas,${escapeKey(key)}=v,device_id=g-1 pressure_kpa=1 ${TS}`)).toEqual({ measurement: 'gas', tags: { [key]: 'v', device_id: 'g-1' } });
  });

  it('honours escaped commas and spaces in the measurement, and reads a line without tags', () => {
    expect(parseLineSeries(`my\\ meas\\,ure=ment,t=1 v=1 ${TS}`)).toEqual({ measurement: 'my meas,ure=ment', tags: { t: '1' } });
    expect(parseLineSeries(`water v=1 ${TS}`)).toEqual({ measurement: 'water', tags: {} });
  });

  it('reads only up to the first unescaped space: field values with commas, quotes or equals signs do not leak into tags', () => {
    expect(parseLineSeries(`water,device_id=w-1 note="a,b=c d",v=1 ${TS}`)).toEqual({ measurement: 'water', tags: { device_id: 'w-1' } });
  });

  it.each([
    ['no fields part', 'water,device_id=w-1'],
    ['a tag without =', `water,device_id v=1 ${TS}`],
    ['a tag with a second unescaped =', `water,device_id=w=1 v=1 ${TS}`],
    ['an empty line', ''],
  ])('is null for %s', (_case, line) => {
    expect(parseLineSeries(line)).toBeNull();
  });
});
