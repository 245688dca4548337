import { REJECT_REASON_CODES, REJECT_REASONS } from '@hub/contract';
import { useLanguageForTests } from '../i18n/i18n.testing';
import { describeReason } from './reject-reason';

describe('describeReason', () => {
  it('gives every reason code the hub’s own English words, so the console and GET /api/catalogue never disagree', () => {
    useLanguageForTests('en');
    const differing = REJECT_REASON_CODES.filter((code) => describeReason(code) !== REJECT_REASONS[code]);
    expect(differing).toEqual([]);
  });

  it('explains every reason code in Chinese, the code itself left as it is', () => {
    useLanguageForTests('zh-CN');
    expect(REJECT_REASON_CODES.filter((code) => describeReason(code) === undefined || describeReason(code) === REJECT_REASONS[code])).toEqual([]);
    expect(describeReason('VALUE_OUT_OF_RANGE')).toBe('某个指标值超出其物理上合理的范围');
    expect(describeReason('TOPIC_INVALID')).toBe('主题不是 sensors/{domain}/{deviceId}/telemetry 或 .../status');
  });

  it('keeps the hub’s words for a code this console does not know (a newer hub)', () => {
    useLanguageForTests('zh-CN');
    expect(describeReason('SOMETHING_NEW', 'Something new went wrong')).toBe('Something new went wrong');
  });
});
