import { alertMessageView, renderMessage } from './alert-message';
import { MESSAGE_LANGUAGES } from './message-templates';
import { sampleAlertChange } from './sample-alert';

const en = MESSAGE_LANGUAGES.en;
const change = sampleAlertChange(Date.parse('2026-12-06T02:00:00Z'));

describe('alert messages (English templates)', () => {
  it('says what fired, where, the value with its unit, since when, and links to the alert', () => {
    // Since on the county's clock (01:55 UTC is 09:55 in Shanghai).
    const message = renderMessage(alertMessageView({ ...change, alert: { ...change.alert, id: 42 } }, 'https://hub.county.example/', en, false, 'Asia/Shanghai'), en);
    expect(message.subject).toBe('[CRITICAL] Test message fired: test-device in Ashford');
    expect(message.text).toBe(
      'Test message fired (CRITICAL)\n\nRule: methane_ppm above 1000 ppm for 1m\nDevice: test-device (gas)\nTown: Ashford\nValue: 1250 ppm\n' +
        'Since: 2026-12-06 09:55:00 (Asia/Shanghai)\nState: firing\n\nOpen in the console: https://hub.county.example/alerts/42\n',
    );
    expect(message.markdownTitle).toBe('[CRITICAL] Test message fired');
    expect(message.markdown).toContain('- **Value:** 1250 ppm\n');
    expect(message.markdown).toContain('[Open alert 42 in the console](https://hub.county.example/alerts/42)');
    expect(message.html).toContain('<p><a href="https://hub.county.example/alerts/42">Open alert 42 in the console</a></p>');
  });

  it('escapes HTML only in the HTML part, and marks a test message', () => {
    const hostile = { ...change, actor: 'ops<b>', note: 'A & B', event: 'acknowledged' as const, alert: { ...change.alert, ruleName: 'Leak <script>' } };
    const message = renderMessage(alertMessageView(hostile, 'http://localhost:3000', en, true), en);
    expect(message.subject).toBe('[TEST] [CRITICAL] Leak <script> acknowledged: test-device in Ashford');
    expect(message.text).toContain('By: ops<b>\nNote: A & B\n');
    expect(message.html).toContain('<strong>[TEST] Leak &lt;script&gt; acknowledged</strong>');
    expect(message.html).toContain('<td>A &amp; B</td>');
    expect(message.html).toContain('<td>ops&lt;b&gt;</td>');
  });

  it('has a word for every event kind and severity', () => {
    for (const words of [Object.values(en.events), Object.values(en.severities)]) expect(words.every((word) => word.trim() !== '')).toBe(true);
  });
});

describe('alert messages (Chinese templates)', () => {
  const zh = MESSAGE_LANGUAGES.zh;

  it('says the same in Chinese: severity, rule, device, town, value with its unit, and the link', () => {
    const message = renderMessage(alertMessageView({ ...change, alert: { ...change.alert, id: 42 } }, 'https://hub.county.example/', zh, false, 'Asia/Shanghai'), zh);
    expect(message.subject).toBe('【严重】测试消息告警触发：test-device（Ashford）');
    expect(message.text).toBe(
      '测试消息告警触发（严重）\n\n规则：methane_ppm 高于 1000 ppm，持续 1 分钟\n设备：test-device（gas）\n乡镇：Ashford\n数值：1250 ppm\n' +
        '开始时间：2026-12-06 09:55:00 (Asia/Shanghai)\n状态：firing\n\n在控制台查看：https://hub.county.example/alerts/42\n',
    );
    expect(message.markdown).toContain('[在控制台查看告警 42](https://hub.county.example/alerts/42)');
    expect(renderMessage(alertMessageView(change, 'http://localhost:3000', zh, true), zh).subject.startsWith('【测试】【严重】')).toBe(true);
  });

  it('names a shipped default rule in Chinese, and an admin’s own rule as typed', () => {
    const shipped = { ...change, alert: { ...change.alert, ruleName: 'Supply voltage below 220 V − 10 %' } };
    expect(renderMessage(alertMessageView(shipped, 'http://localhost:3000', zh, false), zh).subject).toBe('【严重】供电电压低于 220 V − 10 %告警触发：test-device（Ashford）');
    expect(renderMessage(alertMessageView(shipped, 'http://localhost:3000', MESSAGE_LANGUAGES.en, false), MESSAGE_LANGUAGES.en).subject).toBe('[CRITICAL] Supply voltage below 220 V − 10 % fired: test-device in Ashford');
  });

  it('has a word for every event kind and severity, as the English set has', () => {
    expect(Object.keys(zh.events).sort()).toEqual(Object.keys(en.events).sort());
    expect(Object.keys(zh.severities).sort()).toEqual(Object.keys(en.severities).sort());
    for (const words of [Object.values(zh.events), Object.values(zh.severities)]) expect(words.every((word) => word.trim() !== '')).toBe(true);
  });
});
