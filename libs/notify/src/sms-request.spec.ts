import type { SmsSettings } from './contact-point';
import { renderSmsRequest, smsResult, smsTemplateView, type SmsParams } from './sms-request';

const params: SmsParams = {
  rule: 'Methane "high"',
  summary: 'methane_ppm above 1000 ppm',
  severity: 'CRITICAL',
  event: 'fired',
  device: 'g-1',
  town: 'Ashford & Bury',
  value: '1250',
  unit: 'ppm',
  since: '2026-12-06T01:55:00.000Z',
  link: 'https://hub.county.example/alerts/7',
  alertId: '7',
};
const base: SmsSettings = {
  method: 'POST',
  url: 'https://sms.example/send',
  headers: { 'X-Api-Key': 'k' },
  contentType: 'application/json',
  body: null,
  templateId: 'SMS_1',
  phoneNumbers: ['+8613800000000', '13900000000'],
  success: null,
};

describe('SMS gateway requests', () => {
  it('renders JSON bodies with JSON literals, including Aliyun-style TemplateParam as a JSON string', () => {
    const settings = { ...base, body: '{"PhoneNumbers":{{json.phones}},"TemplateCode":{{json.templateId}},"TemplateParam":{{json.paramsText}},"town":{{json.town}}}' };
    const request = renderSmsRequest(settings, smsTemplateView(settings, params));
    expect(request).toEqual({ method: 'POST', url: 'https://sms.example/send', headers: { 'content-type': 'application/json', 'X-Api-Key': 'k' }, body: request.body });
    expect(JSON.parse(request.body ?? '')).toEqual({ PhoneNumbers: ['+8613800000000', '13900000000'], TemplateCode: 'SMS_1', TemplateParam: JSON.stringify(params), town: 'Ashford & Bury' });
  });

  it('renders GET queries and form bodies URL-encoded, raw values unescaped', () => {
    const get = { ...base, method: 'GET' as const, url: 'https://sms.example/send?to={{form.phones}}&tpl={{templateId}}&town={{form.town}}' };
    expect(renderSmsRequest(get, smsTemplateView(get, params))).toEqual({ method: 'GET', url: 'https://sms.example/send?to=%2B8613800000000%2C13900000000&tpl=SMS_1&town=Ashford%20%26%20Bury', headers: { 'X-Api-Key': 'k' }, body: undefined });
    const form = { ...base, contentType: 'application/x-www-form-urlencoded', body: 'rule={{form.rule}}&raw={{params.rule}}' };
    expect(renderSmsRequest(form, smsTemplateView(form, params)).body).toBe('rule=Methane%20%22high%22&raw=Methane "high"');
  });

  it('is a success on 2xx, and on the configured JSON value when one is set', () => {
    expect(smsResult(base, 200, 'queued')).toEqual({ ok: true, status: 200, providerAnswer: 'queued', retryable: false });
    const checked = { ...base, success: { jsonPath: 'result.Code', equals: 'OK' } };
    expect(smsResult(checked, 200, '{"result":{"Code":"OK"}}')).toEqual({ ok: true, status: 200, providerAnswer: '{"result":{"Code":"OK"}}', retryable: false });
    expect(smsResult(checked, 200, '{"result":{"Code":"isv.MOBILE_NUMBER_ILLEGAL"}}')).toEqual({ ok: false, status: 200, providerAnswer: '{"result":{"Code":"isv.MOBILE_NUMBER_ILLEGAL"}}', retryable: false });
    expect(smsResult(checked, 200, 'not json')).toEqual({ ok: false, status: 200, providerAnswer: 'not json', retryable: false });
    expect(smsResult(checked, 503, 'busy')).toEqual({ ok: false, status: 503, providerAnswer: 'busy', retryable: true });
  });
});
