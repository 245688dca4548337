import { type AlertRuleDocument, type ConditionDocument, ruleNameIn } from '@hub/api-types';
import { currentLanguage, t } from '../i18n/i18n';

/**
 * What a rule watches for, in the console's language: "at or above 20 %LEL at once; clears below 10 %LEL" ("达到或高于
 * 20 %LEL，立即触发；低于 10 %LEL 时解除"). The English is word for word describeCondition's (@hub/api-types), which the
 * hub keeps for its stored alert summaries; numbers are printed as typed, as there.
 */
export function conditionText(condition: ConditionDocument, unit: string): string {
  const value = (number: number): string => (unit === '' || unit === '1' ? `${number}` : `${number} ${unit}`);
  const held = (duration: string): string => (duration === '0s' ? t('condition.atOnce') : t('condition.heldFor', { duration: durationText(duration) }));
  switch (condition.type) {
    case 'threshold':
      if (condition.operator === 'outside') {
        return t('condition.outside', {
          low: value(condition.low),
          high: value(condition.high),
          held: held(condition.for),
          clearLow: value(condition.clearLow),
          clearHigh: value(condition.clearHigh),
        });
      }
      return t(condition.operator === 'above' ? 'condition.above' : 'condition.below', { value: value(condition.value), held: held(condition.for), clear: value(condition.clear) });
    case 'rate-of-change':
      return t(`condition.rate.${condition.direction}`, { amount: value(condition.amount), window: durationText(condition.window) });
    case 'no-data': {
      const silent = condition.silentFor ? t('condition.silentFor', { duration: durationText(condition.silentFor) }) : null;
      const interval = condition.intervalMultiple ? t('condition.intervalMultiple', { multiple: condition.intervalMultiple }) : null;
      return silent && interval ? t('condition.either', { first: silent, second: interval }) : (silent ?? interval ?? '');
    }
    case 'stuck':
      return t('condition.stuck', { tolerance: value(condition.tolerance), window: durationText(condition.window), minReadings: condition.minReadings });
  }
}

/** "5m" as written in English, "5 分钟" in Chinese; a compound duration ("1h30m") is shown as written. */
export function durationText(duration: string): string {
  const match = /^(\d+)(s|m|h|d)$/.exec(duration);
  return match ? t(`condition.unit.${match[2] as 's' | 'm' | 'h' | 'd'}`, { count: Number(match[1]) }) : duration;
}

/** A rule's name as the console's reader reads it: a shipped default rule in their language, an admin's own as typed. */
export function ruleNameText(name: string): string {
  return ruleNameIn(currentLanguage(), name);
}

/**
 * An alert's summary in the console's language, made from its rule as the rule now stands: the metric, the condition
 * in words and the standard it cites. The hub stores the English summary with each alert (as it read when it fired);
 * for a reader of another language this is the same sentence the hub's Chinese messages carry.
 */
export function ruleSummaryText(rule: Pick<AlertRuleDocument, 'selector' | 'condition' | 'standard'>, unit: string): string {
  const values = { metric: rule.selector.metric, condition: conditionText(rule.condition, unit) };
  return rule.standard ? t('condition.summaryCited', { ...values, standard: rule.standard }) : t('condition.summary', values);
}
