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

/**
 * The same in Chinese, for the hub's messages to zh contact points (the console words it from its catalogue; a console
 * test keeps the two identical): "达到或高于 20 %LEL，立即触发；低于 10 %LEL 时解除".
 */
export function describeConditionZh(condition: ConditionDocument, unit: string): string {
  const value = (number: number): string => (unit === '' || unit === '1' ? `${number}` : `${number} ${unit}`);
  const held = (duration: string): string => (duration === '0s' ? '立即触发' : `持续 ${durationZh(duration)}`);
  switch (condition.type) {
    case 'threshold':
      if (condition.operator === 'outside') {
        return `超出 ${value(condition.low)} – ${value(condition.high)}，${held(condition.for)}；回到 ${value(condition.clearLow)} – ${value(condition.clearHigh)} 以内时解除`;
      }
      return condition.operator === 'above'
        ? `达到或高于 ${value(condition.value)}，${held(condition.for)}；低于 ${value(condition.clear)} 时解除`
        : `达到或低于 ${value(condition.value)}，${held(condition.for)}；高于 ${value(condition.clear)} 时解除`;
    case 'rate-of-change':
      return `${durationZh(condition.window)}内${condition.direction === 'either' ? '变化' : condition.direction === 'drop' ? '下降' : '上升'} ${value(condition.amount)}`;
    case 'no-data': {
      const silent = condition.silentFor ? `${durationZh(condition.silentFor)}无数据` : null;
      const interval = condition.intervalMultiple ? `超过常规上报间隔的 ${condition.intervalMultiple} 倍` : null;
      return silent && interval ? `${silent}，或${interval}` : (silent ?? interval ?? '');
    }
    case 'stuck':
      return `${durationZh(condition.window)}内至少 ${condition.minReadings} 个读数不变（± ${value(condition.tolerance)}）`;
  }
}

const ZH_UNITS: Readonly<Record<string, string>> = { s: '秒', m: '分钟', h: '小时', d: '天' };

/** "5m" → "5 分钟"; a compound duration ("1h30m") as written. */
function durationZh(duration: string): string {
  const match = /^(\d+)(s|m|h|d)$/.exec(duration);
  return match ? `${Number(match[1])} ${ZH_UNITS[match[2]]}` : duration;
}
