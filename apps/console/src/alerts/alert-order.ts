import type { AlertRuleDocument, AlertView, FleetDevice, Severity } from '@hub/api-types';
import type { ChartThreshold } from '../components/chart-model';
import { t } from '../i18n/i18n';

export const SEVERITY_RANK: Readonly<Record<Severity, number>> = { critical: 0, warning: 1, info: 2 };
export const SEVERITY_ORDER: readonly Severity[] = ['critical', 'warning', 'info'];

/**
 * The inbox order: most severe first, unhandled (firing) before acknowledged, then newest first. A resolved list is
 * simply newest first: it is a record, not a to-do list.
 */
export function compareAlerts(a: AlertView, b: AlertView): number {
  if (a.state === 'resolved' || b.state === 'resolved') {
    return (a.state === 'resolved' ? 1 : 0) - (b.state === 'resolved' ? 1 : 0) || Date.parse(b.resolvedAt ?? b.firedAt) - Date.parse(a.resolvedAt ?? a.firedAt) || b.id - a.id;
  }
  return (
    SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
    (a.state === 'firing' ? 0 : 1) - (b.state === 'firing' ? 0 : 1) ||
    Date.parse(b.firedAt) - Date.parse(a.firedAt) ||
    b.id - a.id
  );
}

/** The rules that watch this device's metric (device lists and, once devices have towns, town lists respected). */
export function rulesFor(rules: readonly AlertRuleDocument[], device: Pick<FleetDevice, 'deviceId' | 'domain'>, metric?: string): AlertRuleDocument[] {
  return rules.filter(
    (rule) =>
      rule.enabled &&
      rule.selector.domain === device.domain &&
      (metric === undefined || rule.selector.metric === metric) &&
      (rule.selector.deviceIds.length === 0 || rule.selector.deviceIds.includes(device.deviceId)) &&
      rule.selector.towns.length === 0,
  );
}

/** Trigger levels of threshold rules, as lines on a chart. */
export function thresholdLines(rules: readonly AlertRuleDocument[]): ChartThreshold[] {
  const lines: ChartThreshold[] = [];
  for (const rule of rules) {
    const condition = rule.condition;
    if (condition.type !== 'threshold') continue;
    if (condition.operator === 'outside') {
      lines.push({ value: condition.high, label: `${t(`badge.severity.${rule.severity}`)} ≥`, severity: rule.severity });
      lines.push({ value: condition.low, label: `${t(`badge.severity.${rule.severity}`)} ≤`, severity: rule.severity });
    } else {
      lines.push({ value: condition.value, label: `${t(`badge.severity.${rule.severity}`)} ${condition.operator === 'above' ? '≥' : '≤'}`, severity: rule.severity });
    }
  }
  return lines;
}

/** Open alerts per device, the worst severity first, for the fleet. */
export function openAlertsByDevice(alerts: readonly AlertView[]): Map<string, AlertView[]> {
  const byDevice = new Map<string, AlertView[]>();
  for (const alert of alerts) {
    if (alert.state === 'resolved') continue;
    const list = byDevice.get(alert.deviceId) ?? [];
    list.push(alert);
    byDevice.set(alert.deviceId, list);
  }
  for (const list of byDevice.values()) list.sort(compareAlerts);
  return byDevice;
}
