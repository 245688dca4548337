import type { AlertRuleDocument, AlertView } from '@hub/alerts';
import type { Catalogue, StandardsProfileDiff, StandardsProfileView } from '@hub/api-types';
import { alertsOf, call, ScriptedDevice } from '../harness/alerts-api';
import { HubProcess } from '../harness/hub-process';
import { InfluxdProcess } from '../harness/influxd-process';
import { createOperator, login, send } from '../harness/operators';
import { waitFor } from '../harness/wait-for';

const PASSWORD = 'correct horse battery staple';
const MINUTE = 60_000;
/** A rule ticks once soon after the start, then every minute: the backfill may just miss the first tick. */
const FIRST_TICKS = 150_000;
const GB_12325 = 'GB/T 12325-2008 §4.3: 220 V single-phase supply within +7 % and −10 % of nominal (198–235.4 V)';

/**
 * Standards profiles end to end, against the real service and a real influxd: a hub started with
 * HUB_STANDARDS_PROFILE=cn loads the GB pack and judges a 220 V supply by GB/T 12325 (218 V is fine, 195 V raises the
 * under-voltage rule, whose alert cites the clause); one started with eu judges by 230 V ± 10 % as before. Then a
 * county-wide admin previews and applies cn → eu on the cn hub: the rule an operator edited is kept, the rest follow;
 * a town admin is refused; a restart asking for cn again keeps eu and says why.
 */
describe('standards profiles (real service, real influxd)', () => {
  let influxd: InfluxdProcess;
  let cn: HubProcess;
  let eu: HubProcess;
  const devices: ScriptedDevice[] = [];

  const device = async (hub: HubProcess, deviceId: string): Promise<ScriptedDevice> => {
    const connected = await ScriptedDevice.connect(hub, 'power', deviceId, { town: 'Ashford' });
    devices.push(connected);
    return connected;
  };
  const rules = async (hub: HubProcess): Promise<Map<string, AlertRuleDocument>> =>
    new Map((await call<AlertRuleDocument[]>(hub, 'GET', '/api/alert-rules')).body.map((rule) => [rule.id, rule]));
  const firedFor = (hub: HubProcess, deviceId: string): Promise<AlertView[]> =>
    waitFor(() => alertsOf(hub, `device=${deviceId}`), (alerts) => alerts.length > 0, FIRST_TICKS, `an alert for ${deviceId}`);

  beforeAll(async () => {
    influxd = await InfluxdProcess.start();
    const common = { INFLUX_URL: influxd.url, HUB_WRITE_FLUSH_INTERVAL: '20ms' };
    [cn, eu] = await Promise.all([
      HubProcess.start({ ...common, INFLUX_DATABASE: 'standards_cn', HUB_STANDARDS_PROFILE: 'cn' }),
      HubProcess.start({ ...common, INFLUX_DATABASE: 'standards_eu', HUB_STANDARDS_PROFILE: 'eu' }),
    ]);
    // Six and a half minutes of readings at once, before the first tick, so the 5-minute for-durations are met then.
    const since = 6.5 * MINUTE;
    await (await device(cn, 'cn-meter-218')).backfill({ voltage_v: 218 }, since, 30_000);
    await (await device(cn, 'cn-meter-195')).backfill({ voltage_v: 195 }, since, 30_000);
    await (await device(eu, 'eu-meter-218')).backfill({ voltage_v: 218 }, since, 30_000);
    await (await device(eu, 'eu-meter-205')).backfill({ voltage_v: 205 }, since, 30_000);
  });

  afterAll(async () => {
    await Promise.all(devices.map((each) => each.close()));
    await cn?.cleanup();
    await eu?.cleanup();
    await influxd?.cleanup();
  });

  it('loads the GB pack and the 220 V catalogue on a cn first start', async () => {
    const profile = await call<StandardsProfileView>(cn, 'GET', '/api/standards-profile');
    expect(profile).toMatchObject({ status: 200, body: { profile: 'cn', chosenBy: 'system', available: [{ profile: 'cn' }, { profile: 'eu' }] } });
    const loaded = await rules(cn);
    expect(loaded.get('power-voltage-low')).toMatchObject({ revision: 1, condition: { operator: 'below', value: 198 }, standard: GB_12325 });
    expect(loaded.has('power-voltage-out-of-band')).toBe(false);
    const catalogue = (await call<Catalogue>(cn, 'GET', '/api/catalogue')).body;
    const power = catalogue.domains.find((domain) => domain.domain === 'power');
    expect(power?.metrics.find((metric) => metric.name === 'voltage_v')).toMatchObject({ range: [0, 1000], typical: [213, 227] });
  });

  it('cn: 195 V raises the under-voltage rule citing GB/T 12325 §4.3; 218 V raises nothing', async () => {
    const [alert] = await firedFor(cn, 'cn-meter-195');
    expect(alert).toMatchObject({ ruleId: 'power-voltage-low', severity: 'warning', state: 'firing', value: 195 });
    expect(alert.summary).toBe(`voltage_v at or below 198 V for 5m; clears above 200 V (${GB_12325})`);
    expect(await alertsOf(cn, 'device=cn-meter-195')).toHaveLength(1);
    expect(await alertsOf(cn, 'device=cn-meter-218')).toEqual([]);
  });

  it('eu: keeps today’s behaviour, 205 V out of 230 V ± 10 % and 218 V within it', async () => {
    expect((await call<StandardsProfileView>(eu, 'GET', '/api/standards-profile')).body.profile).toBe('eu');
    const [alert] = await firedFor(eu, 'eu-meter-205');
    expect(alert).toMatchObject({ ruleId: 'power-voltage-out-of-band', value: 205 });
    expect(alert.summary).toBe('voltage_v outside 207 V – 253 V for 5m; clears inside 210 V – 250 V');
    expect(await alertsOf(eu, 'device=eu-meter-218')).toEqual([]);
    const power = (await call<Catalogue>(eu, 'GET', '/api/catalogue')).body.domains.find((domain) => domain.domain === 'power');
    expect(power?.metrics.find((metric) => metric.name === 'voltage_v')?.typical).toEqual([225, 240]);
  });

  it('refuses a town admin with 403 saying why, and an unknown profile with 400 naming it', async () => {
    await createOperator(cn, { username: 'ashford.admin', password: PASSWORD, role: 'admin', towns: ['Ashford'] });
    const town = await login(cn, 'ashford.admin', PASSWORD);
    for (const [method, path, body] of [
      ['GET', '/api/standards-profile', undefined],
      ['POST', '/api/standards-profile/preview', { profile: 'eu' }],
      ['PUT', '/api/standards-profile', { profile: 'eu' }],
    ] as const) {
      const answer = await send<{ message: string }>(cn, method, path, town.headers, body);
      expect([method, path, answer.status]).toEqual([method, path, 403]);
      expect(answer.body.message).toMatch(/^Only an admin of the whole county may .*: the standards profile sets the default rules and the catalogue of the whole county \(ashford\.admin has towns Ashford\)$/);
    }
    const unknown = await call<{ issues: unknown }>(cn, 'POST', '/api/standards-profile/preview', { profile: 'gb' });
    expect(unknown).toMatchObject({ status: 400, body: { issues: [{ field: 'profile', problem: 'must be one of cn, eu, got "gb"', code: 'one-of', params: { allowed: 'cn, eu', got: '"gb"' } }] } });
    const same = await call<{ issues: unknown }>(cn, 'PUT', '/api/standards-profile', { profile: 'cn' });
    expect(same).toMatchObject({ status: 400, body: { issues: [{ field: 'profile', problem: "is already the county's profile (cn)" }] } });
    expect((await call<StandardsProfileView>(cn, 'GET', '/api/standards-profile')).body.profile).toBe('cn');
  });

  it('previews, then applies cn → eu: the rule an operator edited is kept, the others follow the eu pack, audited', async () => {
    await createOperator(cn, { username: 'water.engineer', password: PASSWORD, role: 'admin' });
    const engineer = await login(cn, 'water.engineer', PASSWORD);
    const edited = await send<AlertRuleDocument>(cn, 'PATCH', '/api/alert-rules/water-chlorine-low', engineer.headers, { condition: { value: 0.1, clear: 0.15 } });
    expect(edited).toMatchObject({ status: 200, body: { revision: 2 } });

    const preview = await call<StandardsProfileDiff>(cn, 'POST', '/api/standards-profile/preview', { profile: 'eu' });
    expect(preview.status).toBe(200);
    const planned = new Map(preview.body.rules.map((change) => [change.ruleId, change]));
    expect(preview.body).toMatchObject({ from: 'cn', to: 'eu', applied: false });
    expect(planned.get('water-chlorine-low')).toEqual({ ruleId: 'water-chlorine-low', change: 'kept', kept: { because: 'edited', by: 'water.engineer', note: 'kept, edited by water.engineer' } });
    expect(planned.get('power-voltage-low')).toEqual({ ruleId: 'power-voltage-low', change: 'removed' });
    expect(planned.get('power-voltage-out-of-band')).toMatchObject({ change: 'added', rule: { condition: { operator: 'outside', low: 207, high: 253 }, standard: null } });
    expect(planned.get('gas-methane-alarm')).toMatchObject({ change: 'changed', fields: { condition: { from: { value: 25 }, to: { value: 20 } }, standard: { to: null } } });
    expect(planned.get('water-pressure-drop')).toEqual({ ruleId: 'water-pressure-drop', change: 'unchanged' });
    expect(preview.body.catalogue).toEqual(expect.arrayContaining([expect.objectContaining({ domain: 'power', metric: 'voltage_v', change: 'changed', fields: expect.objectContaining({ typical: { from: [213, 227], to: [225, 240] } }) })]));
    // A preview changes nothing.
    expect((await rules(cn)).has('power-voltage-low')).toBe(true);

    const applied = await call<StandardsProfileDiff>(cn, 'PUT', '/api/standards-profile', { profile: 'eu' });
    expect(applied.status).toBe(200);
    expect(applied.body).toEqual({ ...preview.body, applied: true });

    const after = await rules(cn);
    expect(after.get('water-chlorine-low')).toMatchObject({ revision: 2, condition: { value: 0.1, clear: 0.15 }, standard: expect.stringContaining('GB 5749-2022') });
    expect(after.get('gas-methane-alarm')).toMatchObject({ revision: 2, condition: { value: 20 }, standard: null });
    expect(after.get('power-voltage-out-of-band')).toMatchObject({ revision: 1, condition: { low: 207, high: 253 } });
    expect(after.has('power-voltage-low')).toBe(false);
    // The deleted rule's open alert is resolved with it.
    const [resolved] = await alertsOf(cn, 'device=cn-meter-195&rule=power-voltage-low');
    expect(resolved).toMatchObject({ state: 'resolved', resolution: 'rule-deleted' });
    expect((await call<StandardsProfileView>(cn, 'GET', '/api/standards-profile')).body).toMatchObject({ profile: 'eu', chosenBy: 'bootstrap-key' });
    const power = (await call<Catalogue>(cn, 'GET', '/api/catalogue')).body.domains.find((domain) => domain.domain === 'power');
    expect(power?.metrics.find((metric) => metric.name === 'voltage_v')?.typical).toEqual([225, 240]);
    const audit = await call<{ items: Array<{ actor: string; action: string; detail: Record<string, unknown> }> }>(cn, 'GET', '/api/audit?targetType=standards-profile');
    expect(audit.body.items.map((entry) => [entry.actor, entry.action])).toEqual([
      ['bootstrap-key', 'standards-profile.change'],
      ['system', 'standards-profile.choose'],
    ]);
  });

  it('keeps the stored profile when restarted with another HUB_STANDARDS_PROFILE, and logs how to change it', async () => {
    await cn.stop();
    cn.env.HUB_STANDARDS_PROFILE = 'cn';
    await cn.launch();
    expect((await call<StandardsProfileView>(cn, 'GET', '/api/standards-profile')).body.profile).toBe('eu');
    expect(cn.output).toContain('HUB_STANDARDS_PROFILE=cn is ignored: the county keeps eu');
    expect((await rules(cn)).has('power-voltage-low')).toBe(false);
  });
});
