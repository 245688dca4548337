import type { Domain } from '@hub/contract';
import { formatDuration } from '@hub/common';
import type { AlertCondition, AlertRule, ChangeDirection, Severity } from './alert-rule';

/**
 * An alert rule as the API reads and writes it: durations as text ("90s", "5m"), thresholds as an operator with a
 * value and a clear level. GET returns exactly what PUT accepts, so a rule can be fetched, edited and sent back.
 */
export type ThresholdDocument =
  | { type: 'threshold'; operator: 'above' | 'below'; value: number; clear: number; for: string; clearFor: string }
  | { type: 'threshold'; operator: 'outside'; low: number; high: number; clearLow: number; clearHigh: number; for: string; clearFor: string };

export interface RateOfChangeDocument {
  type: 'rate-of-change';
  direction: ChangeDirection;
  amount: number;
  clear: number;
  window: string;
  clearFor: string;
}

export interface NoDataDocument {
  type: 'no-data';
  silentFor: string | null;
  intervalMultiple: number | null;
  baseline: string;
}

export interface StuckDocument {
  type: 'stuck';
  window: string;
  tolerance: number;
  minReadings: number;
}

export type ConditionDocument = ThresholdDocument | RateOfChangeDocument | NoDataDocument | StuckDocument;

export interface AlertRuleDocument {
  id: string;
  name: string;
  description: string;
  enabled: boolean;
  severity: Severity;
  selector: { domain: Domain; metric: string; towns: string[]; deviceIds: string[] };
  evaluateEvery: string;
  condition: ConditionDocument;
  activeMonths: number[];
  flapWindow: string | null;
  revision: number;
  createdAt: string;
  updatedAt: string;
}

export function toAlertRuleDocument(rule: AlertRule): AlertRuleDocument {
  return {
    id: rule.id,
    name: rule.name,
    description: rule.description,
    enabled: rule.enabled,
    severity: rule.severity,
    selector: { domain: rule.selector.domain, metric: rule.selector.metric, towns: [...rule.selector.towns], deviceIds: [...rule.selector.deviceIds] },
    evaluateEvery: formatDuration(rule.evaluateEveryMs),
    condition: toConditionDocument(rule.condition),
    activeMonths: [...rule.activeMonths],
    flapWindow: rule.flapWindowMs === null ? null : formatDuration(rule.flapWindowMs),
    revision: rule.revision,
    createdAt: new Date(rule.createdAt).toISOString(),
    updatedAt: new Date(rule.updatedAt).toISOString(),
  };
}

export function toConditionDocument(condition: AlertCondition): ConditionDocument {
  switch (condition.type) {
    case 'threshold': {
      const timing = { for: formatDuration(condition.forMs), clearFor: formatDuration(condition.clearForMs) };
      if (condition.operator === 'outside' && condition.high && condition.low) {
        return {
          type: 'threshold',
          operator: 'outside',
          low: condition.low.trigger,
          high: condition.high.trigger,
          clearLow: condition.low.clear,
          clearHigh: condition.high.clear,
          ...timing,
        };
      }
      const level = condition.high ?? condition.low;
      return { type: 'threshold', operator: condition.operator === 'below' ? 'below' : 'above', value: level?.trigger ?? 0, clear: level?.clear ?? 0, ...timing };
    }
    case 'rate-of-change':
      return {
        type: 'rate-of-change',
        direction: condition.direction,
        amount: condition.amount,
        clear: condition.clearAmount,
        window: formatDuration(condition.windowMs),
        clearFor: formatDuration(condition.clearForMs),
      };
    case 'no-data':
      return {
        type: 'no-data',
        silentFor: condition.silentForMs === null ? null : formatDuration(condition.silentForMs),
        intervalMultiple: condition.intervalMultiple,
        baseline: formatDuration(condition.baselineMs),
      };
    case 'stuck':
      return { type: 'stuck', window: formatDuration(condition.windowMs), tolerance: condition.tolerance, minReadings: condition.minReadings };
  }
}

/** A one-line statement of the condition for summaries and logs, e.g. `methane_pct_lel ≥ 20 %LEL`. */
export function describeCondition(condition: AlertCondition, metric: string, unit: string): string {
  const u = unit === '1' ? '' : ` ${unit}`;
  switch (condition.type) {
    case 'threshold': {
      const parts: string[] = [];
      if (condition.high) parts.push(`${metric} ≥ ${condition.high.trigger}${u}`);
      if (condition.low) parts.push(`${metric} ≤ ${condition.low.trigger}${u}`);
      const lasting = condition.forMs > 0 ? ` for ${formatDuration(condition.forMs)}` : '';
      return `${parts.join(' or ')}${lasting}`;
    }
    case 'rate-of-change': {
      const verb = condition.direction === 'drop' ? 'drops' : condition.direction === 'rise' ? 'rises' : 'changes';
      return `${metric} ${verb} by ${condition.amount}${u} within ${formatDuration(condition.windowMs)}`;
    }
    case 'no-data': {
      const limits: string[] = [];
      if (condition.silentForMs !== null) limits.push(formatDuration(condition.silentForMs));
      if (condition.intervalMultiple !== null) limits.push(`${condition.intervalMultiple} × its usual interval`);
      return `no ${metric} for ${limits.join(' and ')}`;
    }
    case 'stuck':
      return `${metric} unchanged${condition.tolerance > 0 ? ` (±${condition.tolerance}${u})` : ''} for ${formatDuration(condition.windowMs)}`;
  }
}
