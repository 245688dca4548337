import { MetricCatalogue } from '@hub/contract';
import { Alert, AlertEventDraft, AlertEventKind, NOTIFIED_EVENT_KINDS, snapshotOf } from '../lifecycle/alert';
import { AlertRule } from '../rules/alert-rule';
import { parseAlertRuleInput } from '../rules/alert-rule.validator';

/** Test data for the alerts lib: a firing alert and its events, a rule from a document. */
export const T0 = Date.UTC(2026, 0, 15, 12, 0, 0);

export function anAlert(overrides: Partial<Alert> = {}): Alert {
  return {
    id: 0,
    ruleId: 'methane-high',
    ruleName: 'Methane high',
    conditionType: 'threshold',
    severity: 'critical',
    domain: 'gas',
    metric: 'methane_pct_lel',
    unit: '%LEL',
    deviceId: 'g-1',
    town: null,
    village: null,
    state: 'firing',
    summary: 'methane_pct_lel at or above 20 %LEL at once; clears below 20 %LEL',
    startedAt: T0,
    firedAt: T0 + 1000,
    updatedAt: T0 + 1000,
    conditionActive: true,
    conditionEndedAt: null,
    value: 31,
    valueAt: T0,
    peak: 35,
    peakScore: 35,
    count: 1,
    flapping: false,
    openings: [T0],
    acknowledgedBy: null,
    acknowledgedAt: null,
    acknowledgeNote: null,
    resolvedAt: null,
    resolvedBy: null,
    resolution: null,
    ...overrides,
  };
}

export function anEvent(alert: Alert, kind: AlertEventKind, at = T0 + 1000): AlertEventDraft {
  return {
    alert,
    at,
    kind,
    actor: 'system',
    note: null,
    fromState: kind === 'fired' ? null : 'firing',
    toState: alert.state,
    notify: NOTIFIED_EVENT_KINDS.has(kind),
    silenceId: null,
    snapshot: snapshotOf(alert),
  };
}

export function aRule(document: Record<string, unknown>, id = 'r-1'): AlertRule {
  const { spec } = parseAlertRuleInput({ name: 'Rule', severity: 'warning', evaluateEvery: '1s', ...document }, MetricCatalogue.BUILT_IN);
  return { ...spec, id, revision: 1, createdAt: T0, updatedAt: T0 };
}
