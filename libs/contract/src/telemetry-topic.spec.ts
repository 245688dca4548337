import { MetricCatalogue, BUILT_IN_DOMAINS } from './metric-catalogue';
import { parseSensorTopic, statusTopic, telemetryTopic } from './telemetry-topic';

const TOPIC_INVALID = { ok: false, reason: 'TOPIC_INVALID', detail: 'topic must be sensors/{domain}/{deviceId}/telemetry (or .../status)' };
const DEVICE_ID_INVALID = { ok: false, reason: 'DEVICE_ID_INVALID', detail: 'device id must match [A-Za-z0-9_-]{1,64}' };

describe('parseSensorTopic', () => {
  it('parses a telemetry topic', () => {
    expect(parseSensorTopic('sensors/water/wtr-001/telemetry', MetricCatalogue.BUILT_IN)).toEqual({ ok: true, kind: 'telemetry', address: { domain: 'water', deviceId: 'wtr-001' } });
  });

  it('parses a status topic', () => {
    expect(parseSensorTopic('sensors/heat/HX_9/status', MetricCatalogue.BUILT_IN)).toEqual({ ok: true, kind: 'status', address: { domain: 'heat', deviceId: 'HX_9' } });
  });

  it.each(BUILT_IN_DOMAINS)('round-trips telemetryTopic and statusTopic for %s', (domain) => {
    expect(parseSensorTopic(telemetryTopic(domain, 'd-1'), MetricCatalogue.BUILT_IN)).toEqual({ ok: true, kind: 'telemetry', address: { domain, deviceId: 'd-1' } });
    expect(parseSensorTopic(statusTopic(domain, 'd-1'), MetricCatalogue.BUILT_IN)).toEqual({ ok: true, kind: 'status', address: { domain, deviceId: 'd-1' } });
  });

  it.each([
    ['a missing level', 'sensors/water/wtr-001'],
    ['an extra level', 'sensors/water/wtr-001/telemetry/extra'],
    ['a leading slash', '/sensors/water/wtr-001/telemetry'],
    ['a trailing slash', 'sensors/water/wtr-001/telemetry/'],
    ['another root', 'devices/water/wtr-001/telemetry'],
    ['another last level', 'sensors/water/wtr-001/readings'],
    ['a capitalised last level', 'sensors/water/wtr-001/Telemetry'],
    ['an empty topic', ''],
    ['a device id with a slash (one level too many)', 'sensors/water/wtr/001/telemetry'],
  ])('refuses %s as TOPIC_INVALID', (_label, topic) => {
    expect(parseSensorTopic(topic, MetricCatalogue.BUILT_IN)).toEqual(TOPIC_INVALID);
  });

  const NOT_IN_CATALOGUE = ': no such domain in the catalogue (GET /api/catalogue)';

  it.each([
    ['oil', `unknown domain "oil"${NOT_IN_CATALOGUE}`],
    ['Water', `unknown domain "Water"${NOT_IN_CATALOGUE}`],
    ['', `unknown domain ""${NOT_IN_CATALOGUE}`],
    ['x'.repeat(100), `unknown domain "${'x'.repeat(32)}"${NOT_IN_CATALOGUE}`],
  ])('refuses domain %p as DOMAIN_UNKNOWN', (domain, detail) => {
    expect(parseSensorTopic(`sensors/${domain}/wtr-001/telemetry`, MetricCatalogue.BUILT_IN)).toEqual({ ok: false, reason: 'DOMAIN_UNKNOWN', detail });
  });

  it('checks the domain before the device id', () => {
    expect(parseSensorTopic('sensors/oil/bad id/telemetry', MetricCatalogue.BUILT_IN)).toMatchObject({ reason: 'DOMAIN_UNKNOWN' });
  });

  it('accepts a device id of 64 characters and refuses 65', () => {
    const id64 = 'a'.repeat(60) + 'Z_9-';
    expect(parseSensorTopic(`sensors/gas/${id64}/telemetry`, MetricCatalogue.BUILT_IN)).toEqual({ ok: true, kind: 'telemetry', address: { domain: 'gas', deviceId: id64 } });
    expect(parseSensorTopic(`sensors/gas/${id64}x/telemetry`, MetricCatalogue.BUILT_IN)).toEqual(DEVICE_ID_INVALID);
  });

  it.each([
    ['empty', ''],
    ['a dot', 'wtr.001'],
    ['a space', 'wtr 001'],
    ['a colon', 'wtr:001'],
    ['the MQTT wildcard +', '+'],
    ['the MQTT wildcard #', '#'],
    ['a non-ASCII letter', 'zähler-1'],
    ['a newline', 'wtr\n001'],
  ])('refuses a device id that is %s as DEVICE_ID_INVALID', (_label, deviceId) => {
    expect(parseSensorTopic(`sensors/power/${deviceId}/status`, MetricCatalogue.BUILT_IN)).toEqual(DEVICE_ID_INVALID);
  });
});
