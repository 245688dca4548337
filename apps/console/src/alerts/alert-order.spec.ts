import type { AlertRuleDocument, AlertView } from '@hub/api-types';
import { useLanguageForTests } from '../i18n/i18n.testing';
import { compareAlerts, openAlertsByDevice, rulesFor, thresholdLines } from './alert-order';

// Chart labels name the severity in the console's language.
beforeAll(() => useLanguageForTests('en'));

let nextId = 1;
function alert(overrides: Partial<AlertView>): AlertView {
  return {
    id: nextId++,
    ruleId: 'r',
    ruleName: 'Rule',
    conditionType: 'threshold',
    severity: 'warning',
    state: 'firing',
    flapping: false,
    domain: 'gas',
    metric: 'methane_pct_lel',
    unit: '%LEL',
    deviceId: 'g-1',
    town: null,
    village: null,
    summary: '',
    startedAt: '2026-11-27T10:00:00.000Z',
    firedAt: '2026-11-27T10:00:00.000Z',
    updatedAt: '2026-11-27T10:00:00.000Z',
    conditionActive: true,
    conditionEndedAt: null,
    value: 1,
    valueAt: '2026-11-27T10:00:00.000Z',
    peak: 1,
    count: 1,
    acknowledgedBy: null,
    acknowledgedAt: null,
    acknowledgeNote: null,
    resolvedAt: null,
    resolvedBy: null,
    resolution: null,
    ...overrides,
  };
}

function rule(overrides: Partial<AlertRuleDocument>): AlertRuleDocument {
  return {
    id: 'r',
    name: 'Rule',
    description: '',
    enabled: true,
    severity: 'critical',
    selector: { domain: 'gas', metric: 'methane_pct_lel', towns: [], deviceIds: [] },
    evaluateEvery: '30s',
    condition: { type: 'threshold', operator: 'above', value: 20, clear: 10, for: '0s', clearFor: '1m' },
    activeMonths: [],
    flapWindow: null,
    revision: 1,
    createdAt: '2026-11-27T00:00:00.000Z',
    updatedAt: '2026-11-27T00:00:00.000Z',
    ...overrides,
  };
}

describe('compareAlerts (the inbox order)', () => {
  it('puts the most severe first, then firing before acknowledged, then the newest', () => {
    const oldCritical = alert({ ruleName: 'old critical', severity: 'critical', firedAt: '2026-11-27T09:00:00.000Z' });
    const newCritical = alert({ ruleName: 'new critical', severity: 'critical', firedAt: '2026-11-27T11:00:00.000Z' });
    const ackedCritical = alert({ ruleName: 'acked critical', severity: 'critical', state: 'acknowledged', firedAt: '2026-11-27T12:00:00.000Z' });
    const newWarning = alert({ ruleName: 'new warning', severity: 'warning', firedAt: '2026-11-27T13:00:00.000Z' });
    const info = alert({ ruleName: 'info', severity: 'info', firedAt: '2026-11-27T14:00:00.000Z' });
    const sorted = [info, ackedCritical, newWarning, oldCritical, newCritical].sort(compareAlerts);
    expect(sorted.map((entry) => entry.ruleName)).toEqual(['new critical', 'old critical', 'acked critical', 'new warning', 'info']);
  });

  it('lists resolved alerts after open ones, the most recently resolved first', () => {
    const early = alert({ ruleName: 'early', state: 'resolved', severity: 'critical', resolvedAt: '2026-11-27T10:00:00.000Z' });
    const late = alert({ ruleName: 'late', state: 'resolved', severity: 'info', resolvedAt: '2026-11-27T12:00:00.000Z' });
    const open = alert({ ruleName: 'open', severity: 'info' });
    expect([early, late, open].sort(compareAlerts).map((entry) => entry.ruleName)).toEqual(['open', 'late', 'early']);
  });
});

describe('rulesFor and thresholdLines', () => {
  const methane = rule({ id: 'methane' });
  const onlyOther = rule({ id: 'other-device', selector: { domain: 'gas', metric: 'methane_pct_lel', towns: [], deviceIds: ['g-9'] } });
  const off = rule({ id: 'off', enabled: false });
  const pressure = rule({
    id: 'pressure',
    severity: 'warning',
    selector: { domain: 'gas', metric: 'pressure_kpa', towns: [], deviceIds: ['g-1'] },
    condition: { type: 'threshold', operator: 'outside', low: 100, high: 400, clearLow: 110, clearHigh: 390, for: '0s', clearFor: '0s' },
  });
  const silent = rule({ id: 'silent', condition: { type: 'no-data', silentFor: '2m', intervalMultiple: null, baseline: '1h' } });
  const water = rule({ id: 'water', selector: { domain: 'water', metric: 'pressure_kpa', towns: [], deviceIds: [] } });

  it('picks the enabled rules of the device’s domain that cover it', () => {
    const all = [methane, onlyOther, off, pressure, silent, water];
    expect(rulesFor(all, { deviceId: 'g-1', domain: 'gas' }).map((entry) => entry.id)).toEqual(['methane', 'pressure', 'silent']);
    expect(rulesFor(all, { deviceId: 'g-1', domain: 'gas' }, 'pressure_kpa').map((entry) => entry.id)).toEqual(['pressure']);
  });

  it('draws threshold triggers only, both sides of a band', () => {
    expect(thresholdLines([methane, pressure, silent])).toEqual([
      { value: 20, label: 'critical ≥', severity: 'critical' },
      { value: 400, label: 'warning ≥', severity: 'warning' },
      { value: 100, label: 'warning ≤', severity: 'warning' },
    ]);
  });
});

describe('openAlertsByDevice', () => {
  it('groups open alerts per device, the worst first, leaving resolved ones out', () => {
    const grouped = openAlertsByDevice([
      alert({ deviceId: 'g-1', severity: 'warning' }),
      alert({ deviceId: 'g-1', severity: 'critical' }),
      alert({ deviceId: 'g-2', state: 'resolved' }),
      alert({ deviceId: 'g-3', state: 'acknowledged' }),
    ]);
    expect([...grouped.entries()].map(([device, list]) => [device, list.map((entry) => entry.severity)])).toEqual([
      ['g-1', ['critical', 'warning']],
      ['g-3', ['warning']],
    ]);
  });
});
