import type { Client } from 'aedes';
import { AcknowledgementTracker, type DeviceMessageTap } from './device-message.tap';

function tapRecording(acks: string[]): DeviceMessageTap {
  return {
    takes: () => false,
    received: () => Promise.resolve(),
    clientReady: () => undefined,
    subscribed: () => undefined,
    tracksAcknowledgements: (topic) => topic.endsWith('/commands'),
    acknowledged: (clientId, topic, payload) => acks.push(`${clientId} ${topic} ${Buffer.from(payload).toString()}`),
  };
}

const client = (id: string, nextId: number) => ({ id, _nextId: nextId }) as unknown as Client & { _nextId: number };
const packet = (topic: string, payload: string, qos = 1) => ({ cmd: 'publish' as const, topic, payload: Buffer.from(payload), qos, retain: false, dup: false });

describe('AcknowledgementTracker', () => {
  it('gives a tracked delivery the client’s next packet id, as aedes would, and reports its PUBACK', () => {
    const acks: string[] = [];
    const tracker = new AcknowledgementTracker(() => tapRecording(acks));
    const device = client('w-1', 65535);
    const original = packet('sensors/water/w-1/commands', '{"id":"c-1"}');
    const forwarded = tracker.forwarding(device, original);
    expect([forwarded.messageId, device._nextId, 'messageId' in original]).toEqual([65535, 1, false]);
    tracker.acknowledged('w-1', 65535, undefined);
    tracker.acknowledged('w-1', 65535, undefined);
    expect(acks).toEqual(['w-1 sensors/water/w-1/commands {"id":"c-1"}']);
  });

  it('leaves untracked and QoS 0 deliveries alone, and takes a persistent session’s stored packet', () => {
    const acks: string[] = [];
    const tracker = new AcknowledgementTracker(() => tapRecording(acks));
    const device = client('w-1', 7);
    for (const untracked of [packet('sensors/water/w-1/config', '{}'), packet('sensors/water/w-1/commands', '{}', 0)]) expect(tracker.forwarding(device, untracked)).toBe(untracked);
    expect(device._nextId).toBe(7);
    tracker.acknowledged('w-1', 9, { topic: 'sensors/water/w-1/commands', payload: Buffer.from('{"id":"c-2"}') });
    tracker.acknowledged('w-1', 10, { topic: 'sensors/water/w-1/config', payload: Buffer.from('{}') });
    expect(acks).toEqual(['w-1 sensors/water/w-1/commands {"id":"c-2"}']);
  });

  it('forgets a connection’s ids when it closes', () => {
    const acks: string[] = [];
    const tracker = new AcknowledgementTracker(() => tapRecording(acks));
    tracker.forwarding(client('w-1', 3), packet('sensors/water/w-1/commands', '{"id":"c-3"}'));
    tracker.disconnected('w-1');
    tracker.acknowledged('w-1', 3, undefined);
    expect(acks).toEqual([]);
  });
});
