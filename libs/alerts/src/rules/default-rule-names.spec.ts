import { ruleNameIn, TRANSLATED_DEFAULT_RULE_NAMES } from '@hub/api-types';
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
