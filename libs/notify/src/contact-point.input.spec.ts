import { InvalidInputError } from '@hub/common';
import type { ContactPoint } from './contact-point';
import { applyContactPointChange, parseNewContactPoint } from './contact-point.input';

function issuesOf(run: () => unknown): Array<{ field: string; problem: string }> {
  try {
    run();
  } catch (error) {
    if (error instanceof InvalidInputError) return error.issues.map(({ field, problem }) => ({ field, problem }));
    throw error;
  }
  throw new Error('expected InvalidInputError');
}

describe('contact point input', () => {
  it('reads an email contact point with defaults for the port by security', () => {
    expect(parseNewContactPoint({ name: 'gas-duty', kind: 'email', settings: { host: 'smtp.county.example', security: 'tls', username: 'hub', password: 'pw', from: 'hub@county.example', to: ['duty@county.example'] } })).toEqual({
      name: 'gas-duty',
      language: null,
      kind: 'email',
      settings: { host: 'smtp.county.example', port: 465, security: 'tls', username: 'hub', password: 'pw', ca: null, from: 'hub@county.example', to: ['duty@county.example'] },
    });
  });

  it('names every bad field of an email contact point', () => {
    expect(issuesOf(() => parseNewContactPoint({ name: 'Gas Duty', kind: 'email', settings: { host: 'smtp host', port: 0, security: 'ssl', password: 'pw', from: 'hub', to: ['duty@county.example', 'Duty Officer'], cc: [] } }))).toEqual([
      { field: 'name', problem: 'must match lower-case letters, digits and -, 1–40 characters, e.g. gas-on-call' },
      { field: 'settings.cc', problem: 'is not a known field; allowed: host, port, security, username, password, ca, from, to' },
      { field: 'settings.host', problem: 'must match a host name or IP address' },
      { field: 'settings.security', problem: 'must be one of starttls, tls, none, got "ssl"' },
      { field: 'settings.port', problem: 'must be a whole number from 1 to 65535, got 0' },
      { field: 'settings.password', problem: 'needs a username' },
      { field: 'settings.from', problem: 'must match an email address such as alerts@county.example' },
      { field: 'settings.to[1]', problem: 'must be an email address such as duty@county.example, got "Duty Officer"' },
    ]);
  });

  it('takes only http(s) URLs without credentials for robots and webhooks', () => {
    expect(issuesOf(() => parseNewContactPoint({ name: 'a', kind: 'dingtalk', settings: { url: 'file:///etc/passwd', secret: '' } }))).toEqual([
      { field: 'settings.url', problem: 'must start http:// or https://, not file://' },
      { field: 'settings.secret', problem: 'must be a non-empty string of at most 512 characters, got an empty string' },
    ]);
    expect(issuesOf(() => parseNewContactPoint({ name: 'b', kind: 'webhook', settings: { url: 'https://u:p@ops.example/hook' } }))).toEqual([{ field: 'settings.url', problem: 'must not hold user credentials' }]);
    const leaked = issuesOf(() => parseNewContactPoint({ name: 'g', kind: 'webhook', settings: { url: 'https://ops.example/hook', secret: `s3cret-${'x'.repeat(600)}` } }));
    expect(leaked).toEqual([{ field: 'settings.secret', problem: 'must be a non-empty string of at most 512 characters, got 607 characters' }]);
    expect(issuesOf(() => parseNewContactPoint({ name: 'h', kind: 'dingtalk', settings: { url: 42 } }))).toEqual([{ field: 'settings.url', problem: 'must be a non-empty string of at most 2048 characters, got a number' }]);
    expect(issuesOf(() => parseNewContactPoint({ name: 'c', kind: 'wecom', settings: {} }))).toEqual([{ field: 'settings.url', problem: 'is required: an http:// or https:// URL' }]);
    expect(issuesOf(() => parseNewContactPoint({ name: 'l', kind: 'wecom', language: 'fr', settings: { url: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k' } }))).toEqual([
      { field: 'language', problem: 'must be one of en, zh (the messages\' language), or null for the hub\'s HUB_NOTIFY_LANGUAGE; got "fr"' },
    ]);
    expect(parseNewContactPoint({ name: 'l', kind: 'wecom', language: 'zh', settings: { url: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k' } }).language).toBe('zh');
    expect(issuesOf(() => parseNewContactPoint({ name: 'd', kind: 'pager' }))).toEqual([{ field: 'kind', problem: 'must be one of email, dingtalk, feishu, wecom, sms, webhook, got "pager"' }]);
    expect(issuesOf(() => parseNewContactPoint({ name: 'e', kind: 'feishu' }))).toEqual([{ field: 'settings', problem: 'is required: url, secret, format' }]);
  });

  it('reads each robot kind', () => {
    expect(parseNewContactPoint({ name: 'f', kind: 'feishu', settings: { url: 'https://open.feishu.cn/open-apis/bot/v2/hook/abc', secret: 's' } })).toEqual({
      name: 'f',
      language: null,
      kind: 'feishu',
      settings: { url: 'https://open.feishu.cn/open-apis/bot/v2/hook/abc', secret: 's', format: 'card' },
    });
    expect(parseNewContactPoint({ name: 'w', kind: 'wecom', settings: { url: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k' } })).toEqual({
      name: 'w',
      language: null,
      kind: 'wecom',
      settings: { url: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k' },
    });
  });

  it('reads an SMS gateway request and names each bad part of one', () => {
    const body = '{"to": {{json.phones}}, "template": {{json.templateId}}, "params": {{json.params}}}';
    expect(parseNewContactPoint({ name: 'sms', kind: 'sms', settings: { url: 'https://sms.example/v1/send', headers: { Authorization: 'Bearer t' }, body, templateId: 'SMS_123', phoneNumbers: ['+8613800000000'], success: { jsonPath: 'Code', equals: 'OK' } } })).toEqual({
      name: 'sms',
      language: null,
      kind: 'sms',
      settings: { method: 'POST', url: 'https://sms.example/v1/send', headers: { Authorization: 'Bearer t' }, contentType: 'application/json', body, templateId: 'SMS_123', phoneNumbers: ['+8613800000000'], success: { jsonPath: 'Code', equals: 'OK' } },
    });
    expect(
      issuesOf(() =>
        parseNewContactPoint({
          name: 'sms',
          kind: 'sms',
          settings: { method: 'GET', url: 'https://{{host}}/send', headers: { 'Content-Length': '1', 'X-Key': 'a\nb' }, body: '{{#open}}', phoneNumbers: ['call me'], success: { jsonPath: 'a..b' } },
        }),
      ),
    ).toEqual([
      { field: 'settings.url', problem: 'must not have placeholders in the scheme, host or port' },
      { field: 'settings.headers.Content-Length', problem: 'is set by the hub (use contentType for the body\'s type); not allowed: host, content-length, content-type, transfer-encoding, connection' },
      { field: 'settings.headers.X-Key', problem: 'must be a string of at most 2048 characters without line breaks' },
      { field: 'settings.body', problem: 'is not a valid mustache template: Unclosed section "open" at 9' },
      { field: 'settings.body', problem: 'must be absent or null with method GET: put the parameters in the url template' },
      { field: 'settings.templateId', problem: 'is required' },
      { field: 'settings.phoneNumbers[0]', problem: 'must be a phone number of 5–20 digits, optionally starting with +, got "call me"' },
      { field: 'settings.success.jsonPath', problem: 'must match a dotted path such as Code or result.status' },
      { field: 'settings.success.equals', problem: 'is required: the string, number or boolean the answer holds on success' },
    ]);
  });

  describe('changes', () => {
    const current: ContactPoint = { name: 'duty', language: null, kind: 'email', settings: { host: 'smtp.example', port: 587, security: 'starttls', username: 'hub', password: 'old', ca: null, from: 'hub@county.example', to: ['a@county.example'] } };

    it('keeps an absent secret, clears a null one, and takes the new security’s default port', () => {
      expect(applyContactPointChange({ settings: { to: ['b@county.example'] } }, current).settings).toEqual({ ...current.settings, to: ['b@county.example'] });
      expect(applyContactPointChange({ settings: { username: null, password: null, security: 'none' } }, current).settings).toEqual({ ...current.settings, username: null, password: null, security: 'none', port: 25 });
    });

    it('refuses a new name or kind and checks the result whole', () => {
      expect(issuesOf(() => applyContactPointChange({ name: 'x', kind: 'webhook', settings: {} }, current))).toEqual([
        { field: 'name', problem: 'cannot change: delete the contact point and create it again' },
        { field: 'kind', problem: 'cannot change: delete the contact point and create it again' },
      ]);
      expect(issuesOf(() => applyContactPointChange({ settings: { username: null } }, current))).toEqual([{ field: 'settings.password', problem: 'needs a username' }]);
      expect(issuesOf(() => applyContactPointChange({ settings: { ca: 'not a certificate' } }, current))).toEqual([{ field: 'settings.ca', problem: 'must be PEM text holding at least one -----BEGIN CERTIFICATE----- block' }]);
      expect(issuesOf(() => applyContactPointChange({}, current))).toEqual([{ field: 'settings', problem: 'is required: any of host, port, security, username, password, ca, from, to' }]);
    });

    it('changes the language alone, keeping the settings, and refuses one it does not ship', () => {
      expect(applyContactPointChange({ language: 'zh' }, current)).toEqual({ ...current, language: 'zh' });
      expect(applyContactPointChange({ language: null }, { ...current, language: 'zh' })).toEqual(current);
      expect(applyContactPointChange({ settings: { to: ['b@county.example'] } }, { ...current, language: 'zh' }).language).toBe('zh');
      expect(issuesOf(() => applyContactPointChange({ language: 'fr' }, current))).toEqual([
        { field: 'language', problem: 'must be one of en, zh (the messages\' language), or null for the hub\'s HUB_NOTIFY_LANGUAGE; got "fr"' },
      ]);
    });
  });
});
