import { type ConditionDocument, describeCondition, describeConditionZh } from '@hub/api-types';
import { useLanguageForTests } from '../i18n/i18n.testing';
import { conditionText, ruleSummaryText } from './condition';

const CONDITIONS: [ConditionDocument, string][] = [
  [{ type: 'threshold', operator: 'above', value: 20, clear: 10, for: '0s', clearFor: '1m' }, '%LEL'],
  [{ type: 'threshold', operator: 'below', value: 200, clear: 250, for: '5m', clearFor: '0s' }, 'kPa'],
  [{ type: 'threshold', operator: 'outside', low: 207, high: 253, clearLow: 210, clearHigh: 250, for: '5m', clearFor: '2m' }, 'V'],
  [{ type: 'rate-of-change', direction: 'drop', amount: 100, clear: 50, window: '10m', clearFor: '0s' }, 'kPa'],
  [{ type: 'rate-of-change', direction: 'either', amount: 2, clear: 1, window: '1h30m', clearFor: '0s' }, '1'],
  [{ type: 'no-data', silentFor: '2m', intervalMultiple: 3, baseline: '1h' }, 'kPa'],
  [{ type: 'no-data', silentFor: null, intervalMultiple: 3, baseline: '1h' }, 'kPa'],
  [{ type: 'stuck', window: '30m', tolerance: 0, minReadings: 5 }, '°C'],
];

describe('conditionText', () => {
  it('in English says word for word what the hub’s describeCondition says', () => {
    useLanguageForTests('en');
    for (const [condition, unit] of CONDITIONS) expect(conditionText(condition, unit)).toBe(describeCondition(condition, unit));
  });

  it('in Chinese says it in Chinese, durations in words', () => {
    useLanguageForTests('zh-CN');
    expect(CONDITIONS.map(([condition, unit]) => conditionText(condition, unit))).toEqual([
      '达到或高于 20 %LEL，立即触发；低于 10 %LEL 时解除',
      '达到或低于 200 kPa，持续 5 分钟；高于 250 kPa 时解除',
      '超出 207 V – 253 V，持续 5 分钟；回到 210 V – 250 V 以内时解除',
      '10 分钟内下降 100 kPa',
      '1h30m内变化 2',
      '2 分钟无数据，或超过常规上报间隔的 3 倍',
      '超过常规上报间隔的 3 倍',
      '30 分钟内至少 5 个读数不变（± 0 °C）',
    ]);
  });

  it('in Chinese says word for word what the hub’s describeConditionZh puts in its Chinese messages', () => {
    useLanguageForTests('zh-CN');
    for (const [condition, unit] of CONDITIONS) expect(conditionText(condition, unit)).toBe(describeConditionZh(condition, unit));
  });
});

describe('ruleSummaryText', () => {
  const rule = {
    selector: { domain: 'power', metric: 'voltage_v' },
    condition: CONDITIONS[2][0],
    standard: 'GB/T 12325-2008 §4.3',
  } as const;

  it('in Chinese is the summary the hub’s Chinese messages carry: metric, condition, the standard cited', () => {
    useLanguageForTests('zh-CN');
    expect(ruleSummaryText(rule, 'V')).toBe('voltage_v 超出 207 V – 253 V，持续 5 分钟；回到 210 V – 250 V 以内时解除（GB/T 12325-2008 §4.3）');
    expect(ruleSummaryText({ ...rule, standard: null }, 'V')).toBe('voltage_v 超出 207 V – 253 V，持续 5 分钟；回到 210 V – 250 V 以内时解除');
  });

  it('in English is the summary the hub stores with each alert', () => {
    useLanguageForTests('en');
    expect(ruleSummaryText(rule, 'V')).toBe(`voltage_v ${describeCondition(rule.condition, 'V')} (GB/T 12325-2008 §4.3)`);
  });
});
