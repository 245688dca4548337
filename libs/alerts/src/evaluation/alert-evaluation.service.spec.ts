import { MetricCatalogue } from '@hub/contract';
import type { InfluxSeries } from '@hub/influx';
import { sqliteTestStore, type TestStore } from '@hub/store/testing';
import { AlertRule } from '../rules/alert-rule';
import { AlertRepository } from '../store/alert.repository';
import { AlertRuleRepository } from '../store/alert-rule.repository';
import { AlertSilenceRepository } from '../store/alert-silence.repository';
import { aRule, T0 } from '../testing/alert-fixtures';
import { AlertEvaluationService, InfluxReader } from './alert-evaluation.service';
import { DeviceDirectory, DirectoryDevice } from './device-directory';

const S = 1000;

/** Answers statements by what they ask for, and records them. */
class ScriptedInflux implements InfluxReader {
  readonly statements: string[] = [];
  top: InfluxSeries[] = [];
  screen: InfluxSeries[] = [];
  detail: InfluxSeries[] = [];
  noData: InfluxSeries[] = [];
  failure: Error | null = null;
  /** Runs while the query is "in flight", to change things under the evaluation. */
  during: () => Promise<unknown> | void = () => undefined;

  async query(influxql: string): Promise<InfluxSeries[]> {
    this.statements.push(influxql);
    await this.during();
    if (this.failure) throw this.failure;
    if (influxql.includes('top(') || influxql.includes('bottom(')) return this.top;
    if (influxql.includes('time(')) return this.detail;
    if (influxql.includes('AS "last"')) return this.noData;
    return this.screen;
  }
}

class StaticDirectory implements DeviceDirectory {
  constructor(readonly devices: DirectoryDevice[] = []) {}

  devicesIn(domain: string): DirectoryDevice[] {
    return this.devices.filter((device) => device.domain === domain);
  }

  townOf(deviceId: string): string | null {
    return this.devices.find((device) => device.deviceId === deviceId)?.town ?? null;
  }

  villageOf(deviceId: string): string | null {
    return this.devices.find((device) => device.deviceId === deviceId)?.village ?? null;
  }
}

const detailColumns = ['time', 'min', 'max', 'mean', 'last', 'count'];

/** The answer of a top() screen: each device's highest reading. */
function topSeries(...devices: Array<[string, number]>): InfluxSeries[] {
  return [{ name: 'gas', columns: ['time', 'top', 'device_id'], values: devices.map(([deviceId, value]) => [T0, value, deviceId]) }];
}

/** Buckets of one second, from `fromS`, each holding one reading. */
function detailSeries(deviceId: string, fromS: number, values: number[]): InfluxSeries {
  return { name: 'gas', tags: { device_id: deviceId }, columns: detailColumns, values: values.map((value, index) => [T0 + (fromS + index) * S, value, value, value, value, 1]) };
}

describe('AlertEvaluationService', () => {
  let test: TestStore;
  let influx: ScriptedInflux;
  let rules: AlertRuleRepository;
  let alerts: AlertRepository;
  let silences: AlertSilenceRepository;
  let directory: StaticDirectory;
  let changed: number;
  let now: number;
  let service: AlertEvaluationService;
  const methane: AlertRule = aRule({ selector: { domain: 'gas', metric: 'methane_pct_lel' }, condition: { type: 'threshold', operator: 'above', value: 20, clear: 10 } }, 'methane');
  const options = { catalogue: MetricCatalogue.BUILT_IN, lateDataMs: 10 * S, maxFutureMs: 5 * S, maxCatchUpMs: 60 * S, maxDetailRows: 50_000 };

  beforeEach(async () => {
    test = await sqliteTestStore();
    influx = new ScriptedInflux();
    rules = new AlertRuleRepository(test.store);
    alerts = new AlertRepository(test.store);
    silences = new AlertSilenceRepository(test.store);
    directory = new StaticDirectory();
    changed = 0;
    now = T0 + 20 * S;
    await rules.insert(methane);
    service = new AlertEvaluationService(test.store, influx, rules, alerts, silences, directory, options, () => changed++, () => now);
  });

  afterEach(() => test.dispose());

  it('asks one question of the whole domain when nobody is beyond the threshold, and remembers that it evaluated', async () => {
    influx.top = topSeries(['g-7', 1.8], ['g-2', 1.1]);
    expect(await service.evaluate(methane)).toEqual({ outcome: 'ok', queries: 1, devicesEvaluated: 0, alertsChanged: 0, events: 0 });
    expect(influx.statements).toEqual([`SELECT top("methane_pct_lel", "device_id", 100) FROM "gas" WHERE time >= ${T0 + 20 * S - 12 * S}ms AND time <= ${T0 + 25 * S}ms`]);
    expect(await rules.evaluatedThrough('methane')).toBe(now);
  });

  it('reads details only for the devices the screen names, and raises their alerts', async () => {
    influx.top = topSeries(['g-1', 35], ['g-2', 2]);
    influx.detail = [detailSeries('g-1', 10, [1, 35, 33])];
    const report = await service.evaluate(methane);
    expect(report).toEqual({ outcome: 'ok', queries: 2, devicesEvaluated: 1, alertsChanged: 1, events: 1 });
    expect(influx.statements[1]).toContain(`"device_id" =~ /^(g-1)$/ GROUP BY "device_id", time(1000ms) fill(none)`);
    expect((await alerts.list({ limit: 10 })).items.map((alert) => [alert.deviceId, alert.state, alert.startedAt, alert.value, alert.peak])).toEqual([
      ['g-1', 'firing', T0 + 11 * S, 33, 35],
    ]);
    expect(changed).toBe(1);
  });

  it('falls back to every device’s extreme when more devices are beyond the threshold than the screen names', async () => {
    influx.top = topSeries(...Array.from({ length: 100 }, (_, index): [string, number] => [`g-${index + 1}`, 40]));
    influx.screen = [
      { name: 'gas', tags: { device_id: 'g-1' }, columns: ['time', 'max'], values: [[0, 40]] },
      { name: 'gas', tags: { device_id: 'g-101' }, columns: ['time', 'max'], values: [[0, 22]] },
      { name: 'gas', tags: { device_id: 'g-102' }, columns: ['time', 'max'], values: [[0, 3]] },
    ];
    influx.detail = [detailSeries('g-101', 10, [22])];
    expect(await service.evaluate(methane)).toMatchObject({ queries: 3, devicesEvaluated: 1, alertsChanged: 1 });
    expect(influx.statements[1]).toBe(`SELECT max("methane_pct_lel") AS "max" FROM "gas" WHERE time >= ${T0 + 8 * S}ms AND time <= ${T0 + 25 * S}ms GROUP BY "device_id"`);
    expect(influx.statements[2]).toContain('"device_id" =~ /^(g-1|g-101)$/');
  });

  it('keeps following a device with an open alert when the screen no longer names it, and resolves it', async () => {
    influx.top = topSeries(['g-1', 35]);
    influx.detail = [detailSeries('g-1', 10, [35])];
    await service.evaluate(methane);
    influx.statements.length = 0;
    influx.top = topSeries(['g-1', 4]);
    influx.detail = [detailSeries('g-1', 11, [4, 3])];
    now += 2 * S;
    expect(await service.evaluate(methane)).toMatchObject({ queries: 2, alertsChanged: 1, events: 1 });
    expect(influx.statements[1]).toContain('"device_id" =~ /^(g-1)$/');
    expect(await alerts.get(1)).toMatchObject({ state: 'resolved', conditionEndedAt: T0 + 11 * S, resolution: 'cleared' });
  });

  it('drops its result when the rule changed while InfluxDB was answering', async () => {
    influx.top = topSeries(['g-1', 35]);
    influx.detail = [detailSeries('g-1', 10, [35])];
    influx.during = () => rules.update({ ...methane, revision: 2 });
    expect(await service.evaluate(methane)).toMatchObject({ outcome: 'superseded', alertsChanged: 0 });
    expect((await alerts.list({ limit: 10 })).matching).toBe(0);
    expect(await rules.evaluatedThrough('methane')).toBeNull();
  });

  it('stores nothing when InfluxDB fails: the next evaluation does it again', async () => {
    influx.failure = new Error('connect ECONNREFUSED');
    await expect(service.evaluate(methane)).rejects.toThrow('ECONNREFUSED');
    expect(await rules.evaluatedThrough('methane')).toBeNull();
  });

  it('raises nothing for a silenced device', async () => {
    await silences.insert({ domain: null, town: null, deviceId: 'g-1', ruleId: null, startsAt: T0, endsAt: T0 + 3600 * S, reason: 'calibration', createdBy: 'ops', createdAt: T0 });
    influx.top = topSeries(['g-1', 35]);
    influx.detail = [detailSeries('g-1', 10, [35, 36])];
    expect(await service.evaluate(methane)).toMatchObject({ outcome: 'ok', devicesEvaluated: 1, alertsChanged: 0 });
  });

  it('reads nothing for a rule limited to towns no device is in yet', async () => {
    const inTown = aRule({ selector: { domain: 'gas', metric: 'methane_pct_lel', towns: ['Northfield'] }, condition: { type: 'threshold', operator: 'above', value: 20 } }, 'north');
    await rules.insert(inTown);
    directory.devices.push({ deviceId: 'g-1', domain: 'gas', town: null, firstSeen: T0, lastValueTs: {} });
    expect(await service.evaluate(inTown)).toMatchObject({ outcome: 'ok', queries: 0 });
  });

  it('watches only a village’s devices for a rule limited to it, and places the alert in the village', async () => {
    const inVillage = aRule({ selector: { domain: 'gas', metric: 'methane_pct_lel', towns: ['Northfield/Millbrook'] }, condition: { type: 'threshold', operator: 'above', value: 20 } }, 'millbrook');
    await rules.insert(inVillage);
    directory.devices.push(
      { deviceId: 'g-1', domain: 'gas', town: 'Northfield', village: 'Millbrook', firstSeen: T0, lastValueTs: {} },
      { deviceId: 'g-2', domain: 'gas', town: 'Northfield', village: 'Oakley', firstSeen: T0, lastValueTs: {} },
      { deviceId: 'g-3', domain: 'gas', town: 'Northfield', firstSeen: T0, lastValueTs: {} },
    );
    influx.top = topSeries(['g-1', 35]);
    influx.detail = [detailSeries('g-1', 10, [35, 36])];
    expect(await service.evaluate(inVillage)).toMatchObject({ outcome: 'ok', devicesEvaluated: 1, alertsChanged: 1 });
    expect(influx.statements[0]).toContain('"device_id" =~ /^(g-1)$/');
    expect((await alerts.list({ limit: 10 })).items.map((alert) => [alert.deviceId, alert.town, alert.village])).toEqual([['g-1', 'Northfield', 'Millbrook']]);
    const within = async (towns: string[]): Promise<string[]> => (await alerts.list({ limit: 10, within: { towns, domains: [] } })).items.map((alert) => alert.deviceId);
    expect([await within(['Northfield']), await within(['Northfield/Millbrook']), await within(['Northfield/Oakley'])]).toEqual([['g-1'], ['g-1'], []]);
  });

  it('evaluates no-data from InfluxDB’s last readings and what presence received, for known devices', async () => {
    const silent = aRule({ selector: { domain: 'gas', metric: 'methane_pct_lel' }, evaluateEvery: '1s', condition: { type: 'no-data', silentFor: '5s', baseline: '1m' } }, 'silent');
    await rules.insert(silent);
    now = T0 + 120 * S;
    directory.devices.push(
      { deviceId: 'g-1', domain: 'gas', town: null, firstSeen: T0, lastValueTs: { methane_pct_lel: T0 + 110 * S } },
      { deviceId: 'g-2', domain: 'gas', town: null, firstSeen: T0, lastValueTs: { methane_pct_lel: T0 + 118 * S } },
      { deviceId: 'g-3', domain: 'gas', town: null, firstSeen: T0, lastValueTs: {} },
    );
    influx.noData = [{ name: 'gas', tags: { device_id: 'g-2' }, columns: ['time', 'last'], values: [[T0 + 119 * S, 0.1]] }];
    expect(await service.evaluate(silent)).toMatchObject({ outcome: 'ok', queries: 1, devicesEvaluated: 2, alertsChanged: 1 });
    expect(influx.statements).toEqual([
      `SELECT last("methane_pct_lel") AS "last" FROM "gas" WHERE time >= ${T0 + 60 * S}ms AND time <= ${T0 + 125 * S}ms GROUP BY "device_id"`,
    ]);
    expect((await alerts.list({ limit: 10 })).items.map((alert) => [alert.deviceId, alert.ruleId, alert.startedAt, alert.value])).toEqual([['g-1', 'silent', T0 + 110 * S, 10]]);
  });
});
