import { MESSAGE_LANGUAGES, withOverrides } from './message-templates';
import { previewMessage } from './message-preview';
import { sampleAlertChange } from './sample-alert';

const AT = Date.parse('2026-12-06T05:00:00Z');
const URL = 'https://hub.county.example';

describe('previewMessage', () => {
  it('renders every part, marked as a test only when asked', () => {
    const preview = previewMessage(sampleAlertChange(AT), URL, MESSAGE_LANGUAGES.en, { test: false });
    expect([preview.language, preview.alertId, preview.subject, preview.markdownTitle, preview.sent]).toEqual(['en', 0, '[CRITICAL] Test message fired: test-device in Ashford', '[CRITICAL] Test message fired', undefined]);
    expect(previewMessage(sampleAlertChange(AT), URL, MESSAGE_LANGUAGES.zh, { test: true }).subject).toBe('【测试】【严重】测试消息告警触发：test-device（Ashford）');
  });

  it('shows what each kind carries: Feishu cards without the heading, WeCom cut at 4096 bytes, SMS only its params', () => {
    const change = sampleAlertChange(AT);
    const templates = withOverrides(MESSAGE_LANGUAGES.zh, { markdown: `### 标题\n\n${'数'.repeat(2000)}` });
    expect(previewMessage(change, URL, templates, { test: false, kind: 'feishu' }).sent).toMatchObject({ kind: 'feishu', title: '【严重】测试消息告警触发', content: '数'.repeat(2000) });
    const wecom = previewMessage(change, URL, templates, { test: false, kind: 'wecom' }).sent as unknown as { content: string };
    expect([Buffer.byteLength(wecom.content) <= 4096, wecom.content.endsWith('…')]).toEqual([true, true]);
    expect(previewMessage(change, URL, templates, { test: false, kind: 'sms' }).sent).toEqual({
      kind: 'sms',
      params: { rule: '测试消息', summary: 'methane_ppm 高于 1000 ppm，持续 1 分钟', severity: '严重', event: '告警触发', device: 'test-device', town: 'Ashford', value: '1250', unit: 'ppm', since: '2026-12-06 04:55:00 (UTC)', link: `${URL}/alerts/0`, alertId: '0' },
    });
  });
});
