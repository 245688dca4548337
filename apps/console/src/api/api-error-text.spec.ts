import { useLanguageForTests } from '../i18n/i18n.testing';
import { errorText, issueText } from './api-error-text';

describe('the hub’s refusals in the operator’s language', () => {
  afterEach(() => useLanguageForTests('en'));

  it('keep the hub’s English for English readers, however known the code', () => {
    useLanguageForTests('en');
    expect(errorText('device-not-found', { id: 'wm-1' }, 'Unknown device wm-1')).toBe('Unknown device wm-1');
    expect(issueText({ field: 'name', problem: 'is required', code: 'required' })).toBe('is required');
  });

  it('say a known code in Chinese with its values, and keep the English of a code the console does not know', () => {
    useLanguageForTests('zh-CN');
    expect(errorText('device-not-found', { id: 'wm-1' }, 'Unknown device wm-1')).toBe('没有设备 wm-1');
    expect(errorText('alert-not-firing', { id: 7, state: 'resolved' }, 'Alert 7 is resolved; only a firing alert can be acknowledged')).toBe('告警 7 当前已解决；只有告警中的告警才能确认');
    expect(errorText('invalid-input', { count: 3 }, 'Invalid rule: …')).toBe('中枢拒绝了 3 个字段，见下方说明。');
    expect(errorText('too-many-requests', { seconds: 30 }, 'Too many failed attempts: try again in 30 s')).toBe('尝试次数过多：请 30 秒后再试');
    expect(errorText('area-in-use', { area: 'Ashford/Millbrook', count: 4 }, 'Area Ashford/Millbrook cannot be deleted while …')).toBe('仍有 4 项设备、规则、权限范围或静默引用 Ashford/Millbrook：请先修改它们');
    expect(errorText('area-has-villages', { area: 'Ashford', villages: 'Millbrook' }, 'Town Ashford still has villages …')).toBe('乡镇 Ashford 下仍有村/社区（Millbrook）：请先删除它们');
    expect(errorText('conflict', {}, 'Device wm-1 already exists')).toBe('Device wm-1 already exists');
    expect(errorText(undefined, {}, 'Cannot GET /api/x')).toBe('Cannot GET /api/x');
  });

  it('say each generic field problem in Chinese, numbers by the bounds they have, and keep a problem particular to one field', () => {
    useLanguageForTests('zh-CN');
    const issue = (code: string, params: Record<string, string | number> = {}) => issueText({ field: 'f', problem: 'english', code: code as 'required', params });
    expect(issue('required')).toBe('为必填项');
    expect(issue('unknown-field', { allowed: 'name, kind' })).toBe('不是可识别的字段；可用字段：name, kind');
    expect(issue('text', { maxLength: 40, got: '""' })).toBe('须为非空文本，最多 40 个字符，收到的是 ""');
    expect(issue('one-of', { allowed: 'water, gas', got: '"sewage"' })).toBe('须为以下之一：water, gas；收到的是 "sewage"');
    expect(issue('number', { integer: 1, min: 0, max: 255, got: '300' })).toBe('须为 0 至 255 之间的整数，收到的是 300');
    expect(issue('number', { integer: 0, min: 0, got: '-1' })).toBe('须为不小于 0 的数字，收到的是 -1');
    expect(issue('number', { integer: 0, max: 9, got: '10' })).toBe('须为不大于 9 的数字，收到的是 10');
    expect(issue('number', { integer: 0, got: '"x"' })).toBe('须为数字，收到的是 "x"');
    expect(issue('duration', { min: '1s', max: '7d', got: '"500ms"' })).toBe('须为 1s 至 7d 之间的时长，如 500ms、30s、5m、2h 或 1d，收到的是 "500ms"');
    expect(issue('repeated')).toBe('不能有重复的条目');
    expect(issueText({ field: 'condition.clear', problem: 'must be below the trigger' })).toBe('must be below the trigger');
    expect(issue('some-future-code')).toBe('english');
  });
});
