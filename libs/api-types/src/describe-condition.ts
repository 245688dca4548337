import type { ConditionDocument } from './alerts';

/**
 * What a rule watches for, in words: "at or above 20 %LEL at once; clears below 10 %LEL", "silent for 2m". One
 * wording for the console's rule lists and the hub's alert summaries (which put the metric in front).
 * Numbers are printed as given: thresholds are typed by people, and a locale-dependent format would make stored
 * summaries differ between machines.
 */
export function describeCondition(condition: ConditionDocument, unit: string): string {
  const value = (number: number): string => (unit === '' || unit === '1' ? `${number}` : `${number} ${unit}`);
  const held = (duration: string): string => (duration === '0s' ? 'at once' : `for ${duration}`);
  switch (condition.type) {
    case 'threshold':
      if (condition.operator === 'outside') {
        return `outside ${value(condition.low)} – ${value(condition.high)} ${held(condition.for)}; clears inside ${value(condition.clearLow)} – ${value(condition.clearHigh)}`;
      }
      return condition.operator === 'above'
        ? `at or above ${value(condition.value)} ${held(condition.for)}; clears below ${value(condition.clear)}`
        : `at or below ${value(condition.value)} ${held(condition.for)}; clears above ${value(condition.clear)}`;
    case 'rate-of-change':
      return `${condition.direction === 'either' ? 'changes' : condition.direction === 'drop' ? 'drops' : 'rises'} by ${value(condition.amount)} within ${condition.window}`;
    case 'no-data':
      return [condition.silentFor ? `silent for ${condition.silentFor}` : null, condition.intervalMultiple ? `${condition.intervalMultiple} × its usual interval` : null]
        .filter(Boolean)
        .join(' or ');
    case 'stuck':
      return `unchanged (± ${value(condition.tolerance)}) for ${condition.window} over at least ${condition.minReadings} readings`;
  }
}
