import { ruleNameIn, TRANSLATED_DEFAULT_RULE_NAMES } from '@hub/api-types';
import { MetricCatalogue } from '@hub/contract';
import { ruleSummary } from './alert-rule.document';
import { parseAlertRuleInput } from './alert-rule.validator';
import { DEFAULT_ALERT_RULES } from './default-alert-rules';
import { CN_DEFAULT_ALERT_RULES } from './default-alert-rules.cn';

describe('the default rules’ Chinese names', () => {
  it('cover every rule of both standards packs, and nothing else', () => {
    const names = [...new Set([...DEFAULT_ALERT_RULES, ...CN_DEFAULT_ALERT_RULES].map((rule) => String(rule.name)))].sort();
    expect([...TRANSLATED_DEFAULT_RULE_NAMES].sort()).toEqual(names);
  });

  it('name a shipped rule in Chinese for zh readers, and leave an admin’s own name and English readers alone', () => {
    expect(ruleNameIn('zh', 'Supply voltage below 220 V − 10 %')).toBe('供电电压低于 220 V − 10 %');
    expect(ruleNameIn('zh-CN', 'Gas detector silent')).toBe('燃气探测器无数据');
    expect(ruleNameIn('zh', '甲烷泄漏')).toBe('甲烷泄漏');
    expect(ruleNameIn('en', 'Gas detector silent')).toBe('Gas detector silent');
  });
});

describe('ruleSummary', () => {
  it('says what an alert’s rule watches for, with the standard it cites, in English (stored) and in Chinese (for zh messages)', () => {
    const rule = parseAlertRuleInput(CN_DEFAULT_ALERT_RULES.find((candidate) => candidate.id === 'power-voltage-low'), MetricCatalogue.BUILT_IN).spec;
    expect(ruleSummary(rule, 'V')).toBe(`voltage_v at or below 198 V for 5m; clears above 200 V (${rule.standard})`);
    expect(ruleSummary(rule, 'V', 'zh')).toBe(`voltage_v 达到或低于 198 V，持续 5 分钟；高于 200 V 时解除（${rule.standard}）`);
    expect(rule.standard?.startsWith('GB/T 12325-2008')).toBe(true);
  });
});
