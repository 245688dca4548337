import type { DeviceState } from '@hub/devices';
import { DeviceChangeTracker } from './device-change.tracker';

const device = (deviceId: string, online: boolean, lastSeen = 1000): DeviceState => ({
  deviceId,
  domain: 'gas',
  clientId: deviceId,
  online,
  firstSeen: 0,
  lastSeen,
  lastReadingTs: lastSeen,
  lastValues: { methane_pct_lel: 1 },
  lastValueTs: { methane_pct_lel: lastSeen },
  statusChangedAt: 0,
});

describe('DeviceChangeTracker', () => {
  it('reports nothing for the state it started from, nor for new readings', () => {
    const tracker = new DeviceChangeTracker([device('g-1', true), device('g-2', false)]);
    expect(tracker.changes([device('g-1', true, 2000), device('g-2', false)])).toEqual([]);
  });

  it('reports a device going offline and back once each', () => {
    const tracker = new DeviceChangeTracker([device('g-1', true)]);
    expect(tracker.changes([device('g-1', false)]).map((change) => change.change)).toEqual(['offline']);
    expect(tracker.changes([device('g-1', false)])).toEqual([]);
    expect(tracker.changes([device('g-1', true, 5000)])).toEqual([{ change: 'online', device: device('g-1', true, 5000) }]);
  });

  it('reports a device seen for the first time', () => {
    const tracker = new DeviceChangeTracker([]);
    expect(tracker.changes([device('g-9', true)]).map((change) => [change.change, change.device.deviceId])).toEqual([['new', 'g-9']]);
  });

  it('hands out copies, so a later change to presence does not alter an event already sent', () => {
    const live = device('g-1', false);
    const [change] = new DeviceChangeTracker([device('g-1', true)]).changes([live]);
    live.online = true;
    expect(change.device.online).toBe(false);
  });
});
