import { MetricCatalogue } from '@hub/contract';
import type { InfluxSeries } from '@hub/influx';
import { AuditLogRepository } from '@hub/store';
import { TEST_STORES, type TestStore } from '@hub/store/testing';
import { AlertEvaluationService, type InfluxReader } from '../evaluation/alert-evaluation.service';
import type { DeviceDirectory } from '../evaluation/device-directory';
import { AlertRule } from '../rules/alert-rule';
import { AlertRepository } from '../store/alert.repository';
import { AlertRuleRepository } from '../store/alert-rule.repository';
import { AlertSilenceRepository } from '../store/alert-silence.repository';
import { aRule, T0 } from '../testing/alert-fixtures';
import { AlertWorkflowService } from './alert-workflow.service';

const S = 1000;
const DEVICES = Array.from({ length: 20 }, (_, index) => `g-${String(index).padStart(2, '0')}`);
const COUNTY = { towns: [], domains: [] };

/** Every device beyond the threshold, with one reading per second from `fromS`. */
class HighReadings implements InfluxReader {
  fromS = 10;
  values = [35, 36];

  async query(influxql: string): Promise<InfluxSeries[]> {
    if (influxql.includes('top(')) return [{ name: 'gas', columns: ['time', 'top', 'device_id'], values: DEVICES.map((deviceId) => [T0, 40, deviceId]) }];
    return DEVICES.map((deviceId) => ({
      name: 'gas',
      tags: { device_id: deviceId },
      columns: ['time', 'min', 'max', 'mean', 'last', 'count'],
      values: this.values.map((value, index) => [T0 + (this.fromS + index) * S, value, value, value, value, 1]),
    }));
  }
}

const nowhere: DeviceDirectory = { devicesIn: () => [], townOf: () => null, villageOf: () => null };

/**
 * An evaluation storing its reconciliation while operators acknowledge the same alerts: whichever comes first, the
 * other reads what it stored (both take the rule's lock and read inside their transaction), so no acknowledgement is
 * overwritten by an evaluation that read the alert before it.
 */
describe.each(TEST_STORES)('An evaluation racing acknowledgements on %s', (_dialect, open) => {
  let test: TestStore;
  let now: number;
  const methane: AlertRule = aRule({ selector: { domain: 'gas', metric: 'methane_pct_lel' }, condition: { type: 'threshold', operator: 'above', value: 20, clear: 10 } }, 'methane');

  beforeEach(async () => {
    test = await open();
    now = T0 + 20 * S;
  });
  afterEach(() => test.dispose());

  it('keeps every acknowledgement, and every evaluation’s update of the alerts', async () => {
    const alerts = new AlertRepository(test.store);
    const rules = new AlertRuleRepository(test.store);
    await rules.insert(methane);
    const influx = new HighReadings();
    const options = { catalogue: MetricCatalogue.BUILT_IN, lateDataMs: 10 * S, maxFutureMs: 5 * S, maxCatchUpMs: 60 * S, maxDetailRows: 50_000 };
    const evaluation = new AlertEvaluationService(test.store, influx, rules, alerts, new AlertSilenceRepository(test.store), nowhere, options, () => undefined, () => now);
    const workflow = new AlertWorkflowService(test.store, alerts, () => undefined, new AuditLogRepository(null), () => now);
    expect(await evaluation.evaluate(methane)).toMatchObject({ outcome: 'ok', alertsChanged: DEVICES.length });
    const ids = (await alerts.list({ limit: 100 })).items.map((alert) => alert.id);

    now += 2 * S;
    influx.fromS = 11;
    influx.values = [36, 38, 44];
    const [report, ...acknowledged] = await Promise.all([
      evaluation.evaluate(methane),
      ...ids.map((id) => workflow.acknowledge(id, { note: 'on it' }, { name: 'alice', scope: COUNTY })),
    ]);
    expect(report).toMatchObject({ outcome: 'ok', alertsChanged: DEVICES.length });
    expect(acknowledged.map((alert) => alert.state)).toEqual(ids.map(() => 'acknowledged'));

    const stored = (await alerts.list({ limit: 100 })).items;
    expect(stored.map((alert) => [alert.state, alert.acknowledgedBy, alert.peak])).toEqual(ids.map(() => ['acknowledged', 'alice', 44]));
    for (const id of ids) expect((await alerts.history(id)).map((event) => event.kind)).toEqual(['fired', 'acknowledged']);
  });
});
