import { describeCondition } from './describe-condition';

describe('describeCondition', () => {
  it('says what each condition type watches for, with the unit', () => {
    expect(describeCondition({ type: 'threshold', operator: 'above', value: 20, clear: 10, for: '0s', clearFor: '1m' }, '%LEL')).toBe(
      'at or above 20 %LEL at once; clears below 10 %LEL',
    );
    expect(describeCondition({ type: 'threshold', operator: 'below', value: 200, clear: 250, for: '5m', clearFor: '0s' }, 'kPa')).toBe(
      'at or below 200 kPa for 5m; clears above 250 kPa',
    );
    expect(describeCondition({ type: 'threshold', operator: 'outside', low: 207, high: 253, clearLow: 210, clearHigh: 250, for: '5m', clearFor: '2m' }, 'V')).toBe(
      'outside 207 V – 253 V for 5m; clears inside 210 V – 250 V',
    );
    expect(describeCondition({ type: 'rate-of-change', direction: 'drop', amount: 100, clear: 50, window: '10m', clearFor: '0s' }, 'kPa')).toBe('drops by 100 kPa within 10m');
    expect(describeCondition({ type: 'no-data', silentFor: '2m', intervalMultiple: 3, baseline: '1h' }, 'kPa')).toBe('silent for 2m or 3 × its usual interval');
    expect(describeCondition({ type: 'stuck', window: '30m', tolerance: 0, minReadings: 5 }, '°C')).toBe('unchanged (± 0 °C) for 30m over at least 5 readings');
  });
});
