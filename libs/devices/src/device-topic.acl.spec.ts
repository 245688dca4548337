import { isDeviceTopic } from '@hub/contract';
import { deviceMayReceive, devicePublishRefusal, deviceSubscriptionRefusal } from './device-topic.acl';

const W1 = { domain: 'water', deviceId: 'w-1' } as const;

describe('device topic ACL', () => {
  it('knows a device’s own topic exactly, and nothing that only starts or ends like it', () => {
    expect(isDeviceTopic(W1, 'sensors/water/w-1/telemetry', 'telemetry')).toBe(true);
    for (const topic of [
      'sensors/water/w-10/telemetry',
      'sensors/water/w-/telemetry',
      'sensors/water/w-1/telemetryx',
      'sensors/water/w-1/telemetr',
      'sensors/water/w-1/status',
      'sensors/gas/w-1/telemetry',
      'sensors/waterx/w-1/telemetry',
      'sensors/wate/rw-1/telemetry',
      'sensors/water/w-1telemetry/',
      'sensors/water/w-1//telemetry',
      'Sensors/water/w-1/telemetry',
      'xsensors/water/w-1/telemetry',
      'sensors/water/w-1/telemetry/',
      'sensors/water/W-1/telemetry',
      'sensors/water/w-1',
      '',
    ]) {
      expect([topic, isDeviceTopic(W1, topic, 'telemetry')]).toEqual([topic, false]);
    }
  });

  it('lets a device publish on its telemetry, status, command replies and reported config only, and says which topics it may use', () => {
    expect(devicePublishRefusal(W1, 'sensors/water/w-1/telemetry')).toBeNull();
    expect(devicePublishRefusal(W1, 'sensors/water/w-1/status')).toBeNull();
    expect(devicePublishRefusal(W1, 'sensors/water/w-1/commands/reply')).toBeNull();
    expect(devicePublishRefusal(W1, 'sensors/water/w-1/config/reported')).toBeNull();
    for (const topic of ['sensors/water/w-2/commands/reply', 'sensors/water/w-1/commands/replyx', 'sensors/water/w-1/config', 'sensors/water/w-1/config/reported/x', 'sensors/gas/w-1/config/reported']) {
      expect([topic, devicePublishRefusal(W1, topic)]).toEqual([topic, expect.stringContaining(`, not on ${topic}`)]);
    }
    expect(devicePublishRefusal(W1, 'sensors/water/w-2/telemetry')).toBe(
      'device w-1 may publish only on sensors/water/w-1/telemetry, sensors/water/w-1/status, sensors/water/w-1/commands/reply and sensors/water/w-1/config/reported, not on sensors/water/w-2/telemetry',
    );
    expect(devicePublishRefusal(W1, 'sensors/water/w-1/commands')).toBe(
      'device w-1 may publish only on sensors/water/w-1/telemetry, sensors/water/w-1/status, sensors/water/w-1/commands/reply and sensors/water/w-1/config/reported, not on sensors/water/w-1/commands',
    );
  });

  it('lets a device subscribe to and receive its commands and config only; no wildcards', () => {
    expect(deviceSubscriptionRefusal(W1, 'sensors/water/w-1/commands')).toBeNull();
    expect(deviceSubscriptionRefusal(W1, 'sensors/water/w-1/config')).toBeNull();
    expect(deviceSubscriptionRefusal(W1, 'sensors/water/w-1/+')).toBe(
      'device w-1 may subscribe only to sensors/water/w-1/commands and sensors/water/w-1/config, not to sensors/water/w-1/+',
    );
    expect(deviceSubscriptionRefusal(W1, `sensors/water/w-1/${'x'.repeat(200)}`)).toBe(
      `device w-1 may subscribe only to sensors/water/w-1/commands and sensors/water/w-1/config, not to sensors/water/w-1/${'x'.repeat(110)}…`,
    );
    expect([deviceMayReceive(W1, 'sensors/water/w-1/config'), deviceMayReceive(W1, 'sensors/water/w-1/telemetry'), deviceMayReceive(W1, 'sensors/water/w-2/config')]).toEqual([true, false, false]);
  });
});
