import type { FleetDevice } from '@hub/api-types';
import { compareDevices, deviceStatus, isFleetDevice, QUIET_AFTER_MS } from './device-status';

const NOW = Date.UTC(2026, 10, 27, 12);
/** A device only presence knows (as GET /api/devices shows one heard from before the registry existed). */
const device = (deviceId: string, online: boolean, lastSeen = NOW): FleetDevice => ({
  deviceId,
  domain: 'water',
  registered: false,
  status: null,
  enabled: null,
  town: null,
  site: null,
  location: null,
  expectedIntervalS: null,
  description: '',
  hasSecret: false,
  secretIssuedAt: null,
  provisionedAt: null,
  provisionedBy: null,
  firstSeenAddress: null,
  connectAttempts: null,
  online,
  clientId: deviceId,
  firstSeen: 0,
  lastSeen,
  lastReadingTs: lastSeen,
  lastValues: {},
  lastValueTs: {},
  statusChangedAt: 0,
});

describe('isFleetDevice', () => {
  it('keeps active and unregistered devices, not those waiting in quarantine or rejected', () => {
    expect(isFleetDevice(device('w-1', true))).toBe(true);
    expect(isFleetDevice({ ...device('w-2', true), status: 'active' })).toBe(true);
    expect(isFleetDevice({ ...device('q-1', true), status: 'quarantined' })).toBe(false);
    expect(isFleetDevice({ ...device('r-1', false), status: 'rejected' })).toBe(false);
    expect(isFleetDevice({ ...device('q-2', false), domain: null, status: 'quarantined' })).toBe(false);
  });
});

describe('deviceStatus', () => {
  it('is offline when not connected, quiet when connected but silent too long, online otherwise', () => {
    expect(deviceStatus(device('w-1', false), NOW)).toBe('offline');
    expect(deviceStatus(device('w-1', true, NOW - QUIET_AFTER_MS), NOW)).toBe('online');
    expect(deviceStatus(device('w-1', true, NOW - QUIET_AFTER_MS - 1), NOW)).toBe('quiet');
  });
});

describe('compareDevices', () => {
  it('lists problems first: offline, quiet, then devices with open alerts, then by id in natural order', () => {
    const rows = [
      { device: device('w-10', true), status: 'online' as const, openAlerts: 0 },
      { device: device('w-2', true), status: 'online' as const, openAlerts: 0 },
      { device: device('w-3', true), status: 'online' as const, openAlerts: 2 },
      { device: device('w-4', true), status: 'quiet' as const, openAlerts: 0 },
      { device: device('w-5', false), status: 'offline' as const, openAlerts: 0 },
    ];
    expect([...rows].sort(compareDevices).map((row) => row.device.deviceId)).toEqual(['w-5', 'w-4', 'w-3', 'w-2', 'w-10']);
  });
});
