import type { ContactPointView } from '@hub/api-types';
import { useLanguageForTests } from '../i18n/i18n.testing';
import { contactPointChange, contactPointSummary, draftOf, emptyContactPointDraft, formProblems, headersOf, newContactPointBody } from './contact-point-draft';

const view = (kind: ContactPointView['kind'], settings: Record<string, unknown>, secrets: Record<string, boolean>): ContactPointView => ({
  name: 'duty',
  kind,
  language: null,
  settings,
  secretSet: Object.values(secrets).some(Boolean),
  secrets,
  createdAt: '2026-12-05T08:00:00.000Z',
  createdBy: 'alice',
  updatedAt: '2026-12-05T08:00:00.000Z',
  updatedBy: 'alice',
});

const EMAIL = view('email', { host: 'smtp.county.example', port: 587, security: 'starttls', username: 'hub', ca: null, from: 'alerts@county.example', to: ['a@county.example', 'b@county.example'] }, { password: true });
const SMS = view(
  'sms',
  { method: 'POST', contentType: 'application/json', body: '{"to":{{json.phones}}}', templateId: 'SMS_1', phoneNumbers: ['+8613800000000'], success: { jsonPath: 'Code', equals: 'OK' }, headerNames: ['Authorization'], endpoint: 'https://sms.example' },
  { url: true, headers: true },
);

beforeEach(() => useLanguageForTests('en'));

describe('contact point form', () => {
  it('sends a new webhook with its secret, and leaves a blank secret out', () => {
    const draft = emptyContactPointDraft();
    const typed = { ...draft, name: ' duty ', values: { ...draft.values, url: ' https://hooks.example/a ', secret: 's3cret' } };
    expect(newContactPointBody(typed)).toEqual({ name: 'duty', kind: 'webhook', language: null, settings: { url: 'https://hooks.example/a', secret: 's3cret' } });
    expect(newContactPointBody({ ...typed, language: 'zh', values: { ...typed.values, secret: '' } })).toEqual({ name: 'duty', kind: 'webhook', language: 'zh', settings: { url: 'https://hooks.example/a' } });
  });

  it('shows a saved email’s public settings, its password input empty, and an untouched form changes nothing', () => {
    const draft = draftOf(EMAIL);
    expect(draft.values).toMatchObject({ host: 'smtp.county.example', port: '587', username: 'hub', password: '', ca: '', to: 'a@county.example\nb@county.example' });
    expect(contactPointChange(draft, EMAIL)).toEqual({});
    // The language alone: a PATCH of just that, and back to the hub's default as null.
    expect(contactPointChange({ ...draft, language: 'zh' }, EMAIL)).toEqual({ language: 'zh' });
    expect(contactPointChange(draftOf({ ...EMAIL, language: 'zh' }), { ...EMAIL, language: 'zh' })).toEqual({});
    expect(contactPointChange({ ...draftOf({ ...EMAIL, language: 'zh' }), language: '' }, { ...EMAIL, language: 'zh' })).toEqual({ language: null });
  });

  it('sends only what changed: a typed password, a cleared one as null, a new recipient list', () => {
    const draft = draftOf(EMAIL);
    expect(contactPointChange({ ...draft, values: { ...draft.values, password: 'new', to: 'c@county.example, d@county.example' } }, EMAIL)).toEqual({
      settings: { password: 'new', to: ['c@county.example', 'd@county.example'] },
    });
    expect(contactPointChange({ ...draft, clear: ['password'] }, EMAIL)).toEqual({ settings: { password: null } });
  });

  it('reads SMS headers and the success check as typed, and keeps stored headers when left blank', () => {
    expect(headersOf('Authorization: Bearer a:b\n\nX-Api-Key:k')).toEqual({ Authorization: 'Bearer a:b', 'X-Api-Key': 'k' });
    const draft = draftOf(SMS);
    expect(draft.values).toMatchObject({ successPath: 'Code', successEquals: '"OK"', headers: '', url: '' });
    expect(contactPointChange(draft, SMS)).toEqual({});
    expect(contactPointChange({ ...draft, values: { ...draft.values, successEquals: '0' } }, SMS)).toEqual({ settings: { success: { jsonPath: 'Code', equals: 0 } } });
  });

  it('summarises where each kind sends without a secret', () => {
    expect(contactPointSummary(EMAIL)).toBe('a@county.example, b@county.example via smtp.county.example:587');
    expect(contactPointSummary(SMS)).toBe('+8613800000000 via https://sms.example');
    expect(contactPointSummary(view('dingtalk', { endpoint: 'https://oapi.dingtalk.com' }, { url: true, secret: true }))).toBe('DingTalk robot at https://oapi.dingtalk.com');
  });

  it('puts the hub’s problems under their inputs, list items by line', () => {
    expect(formProblems({ 'settings.to[1]': 'must be an email address', 'settings.success.equals': 'is required', name: 'is taken' })).toEqual({
      to: 'line 2: must be an email address',
      'success.equals': 'is required',
      name: 'is taken',
    });
  });

  it('summarises and places problems in Chinese', () => {
    useLanguageForTests('zh-CN');
    expect(contactPointSummary(EMAIL)).toBe('a@county.example, b@county.example，经由 smtp.county.example:587');
    expect(contactPointSummary(view('dingtalk', { endpoint: 'https://oapi.dingtalk.com' }, { url: true, secret: true }))).toBe('钉钉机器人，地址 https://oapi.dingtalk.com');
    expect(formProblems({ 'settings.to[1]': 'must be an email address' })).toEqual({ to: '第 2 行：must be an email address' });
  });
});
