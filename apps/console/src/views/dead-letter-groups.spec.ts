import type { DeadLetter } from '@hub/api-types';
import { groupDeadLetters } from './dead-letter-groups';

let nextId = 1;
const letter = (deviceId: string | null, reason: DeadLetter['reason'], receivedAt: number, detail = `${reason} at ${receivedAt}`): DeadLetter => ({
  id: nextId++,
  receivedAt,
  reason,
  detail,
  topic: deviceId ? `sensors/water/${deviceId}/telemetry` : 'sensors/sewer/x/telemetry',
  clientId: deviceId,
  deviceId,
  domain: deviceId ? 'water' : null,
  batchIndex: null,
  payload: '{}',
  payloadBytes: 2,
  payloadTruncated: false,
  payloadEncoding: 'utf8',
});

describe('groupDeadLetters', () => {
  it('counts per device and reason, biggest first, with the newest detail as the example', () => {
    const groups = groupDeadLetters([
      letter('w-1', 'VALUE_OUT_OF_RANGE', 300, 'pressure_kpa 9999 kPa is outside [0, 2500]'),
      letter('w-1', 'VALUE_OUT_OF_RANGE', 100),
      letter('w-1', 'VALUE_OUT_OF_RANGE', 200),
      letter('w-1', 'METRIC_UNKNOWN', 400),
      letter('w-2', 'METRIC_UNKNOWN', 50),
      letter(null, 'DOMAIN_UNKNOWN', 10),
      letter(null, 'DOMAIN_UNKNOWN', 20),
    ]);
    expect(groups.map((group) => [group.deviceId, group.reason, group.count, group.latest])).toEqual([
      ['w-1', 'VALUE_OUT_OF_RANGE', 3, 300],
      [null, 'DOMAIN_UNKNOWN', 2, 20],
      ['w-1', 'METRIC_UNKNOWN', 1, 400],
      ['w-2', 'METRIC_UNKNOWN', 1, 50],
    ]);
    expect(groups[0].example).toBe('pressure_kpa 9999 kPa is outside [0, 2500]');
  });
});
