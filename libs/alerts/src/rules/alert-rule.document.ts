import { formatDuration } from '@hub/common';
import { type AlertRuleDocument, type ConditionDocument, describeCondition, describeConditionZh, type NoDataDocument, type RateOfChangeDocument, type StuckDocument, type ThresholdDocument } from '@hub/api-types';
import type { AlertCondition, AlertRule } from './alert-rule';

/** The API's rule documents (durations as text, thresholds as operator + value) are defined in @hub/api-types. */
export type { AlertRuleDocument, ConditionDocument, NoDataDocument, RateOfChangeDocument, StuckDocument, ThresholdDocument };

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
    standard: rule.standard,
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

/**
 * An alert's summary as its rule stands: the metric, the condition in words and the standard it cites —
 * "voltage_v at or below 198 V for 5m; clears above 200 V (GB/T 12325-2008 §4.3: …)". Stored in English with each
 * alert; the Chinese one is made for messages to zh contact points.
 */
export function ruleSummary(rule: Pick<AlertRule, 'selector' | 'condition' | 'standard'>, unit: string, language: 'en' | 'zh' = 'en'): string {
  const condition = toConditionDocument(rule.condition);
  const cited = rule.standard === null ? '' : language === 'zh' ? `（${rule.standard}）` : ` (${rule.standard})`;
  return `${rule.selector.metric} ${language === 'zh' ? describeConditionZh(condition, unit) : describeCondition(condition, unit)}${cited}`;
}
