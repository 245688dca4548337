import { QUIET_AFTER_MS } from '@hub/api-types';
import { type OverviewAlert, type OverviewDevice, summariseAreas } from './area-overview';

const NOW = Date.UTC(2026, 11, 6, 12);
const DOMAINS = ['water', 'power', 'gas', 'heat', 'traffic'];

/** Reporting: connected and heard from a minute ago. */
const device = (deviceId: string, domain: string, town: string | null, village: string | null = null, presence: 'reporting' | 'quiet' | 'offline' = 'reporting'): OverviewDevice => ({
  deviceId,
  domain,
  town,
  village,
  online: presence !== 'offline',
  lastSeen: presence === 'quiet' ? NOW - QUIET_AFTER_MS - 1 : presence === 'offline' ? NOW - 3_600_000 : NOW - 60_000,
});
const alert = (deviceId: string, domain: string, town: string | null, severity: OverviewAlert['severity']): OverviewAlert => ({ deviceId, domain, town, severity });

describe('summariseAreas', () => {
  it('counts each town’s devices by presence and its open alerts by severity, towns by name and the townless last', () => {
    const overview = summariseAreas({
      devices: [
        device('b-w-1', 'water', 'Brookfield'),
        device('a-w-1', 'water', 'Ashford'),
        device('a-w-2', 'water', 'Ashford', null, 'quiet'),
        device('a-g-1', 'gas', 'Ashford', null, 'offline'),
        device('x-p-1', 'power', null, null, 'offline'),
      ],
      openAlerts: [alert('a-w-1', 'water', 'Ashford', 'warning'), alert('a-g-1', 'gas', 'Ashford', 'critical'), alert('a-w-2', 'water', 'Ashford', 'warning'), alert('x-p-1', 'power', null, 'info')],
      domains: DOMAINS,
      now: NOW,
    });
    expect(overview.generatedAt).toBe('2026-12-06T12:00:00.000Z');
    expect(overview.quietAfterMs).toBe(600_000);
    expect(overview.domains).toEqual(DOMAINS);
    expect(overview.towns.map((town) => [town.area, town.devices, town.openAlerts])).toEqual([
      ['Ashford', { total: 3, reporting: 1, quiet: 1, offline: 1 }, { critical: 1, warning: 2, info: 0 }],
      ['Brookfield', { total: 1, reporting: 1, quiet: 0, offline: 0 }, { critical: 0, warning: 0, info: 0 }],
      [null, { total: 1, reporting: 0, quiet: 0, offline: 1 }, { critical: 0, warning: 0, info: 1 }],
    ]);
  });

  it('lights each domain by its worst open alert: red, amber, green (none or info only), grey without a device', () => {
    const overview = summariseAreas({
      devices: [device('w-1', 'water', 'Ashford'), device('w-2', 'water', 'Ashford'), device('g-1', 'gas', 'Ashford'), device('p-1', 'power', 'Ashford'), device('h-1', 'heat', 'Ashford')],
      openAlerts: [alert('w-1', 'water', 'Ashford', 'warning'), alert('w-2', 'water', 'Ashford', 'critical'), alert('w-1', 'water', 'Ashford', 'info'), alert('g-1', 'gas', 'Ashford', 'warning'), alert('h-1', 'heat', 'Ashford', 'info')],
      domains: DOMAINS,
      now: NOW,
    });
    expect(overview.towns[0].domains).toEqual([
      { domain: 'water', devices: 2, openAlerts: 3, worst: 'critical', light: 'critical' },
      { domain: 'power', devices: 1, openAlerts: 0, worst: null, light: 'ok' },
      { domain: 'gas', devices: 1, openAlerts: 1, worst: 'warning', light: 'warning' },
      { domain: 'heat', devices: 1, openAlerts: 1, worst: 'info', light: 'ok' },
      { domain: 'traffic', devices: 0, openAlerts: 0, worst: null, light: 'none' },
    ]);
  });

  it('lights a domain by an alert the town still holds after its only device of that domain moved away', () => {
    const overview = summariseAreas({ devices: [device('g-1', 'gas', 'Brookfield')], openAlerts: [alert('g-1', 'gas', 'Ashford', 'critical')], domains: ['gas'], now: NOW });
    expect(overview.towns.map((town) => [town.area, town.devices.total, town.domains[0].light])).toEqual([
      ['Ashford', 0, 'critical'],
      ['Brookfield', 1, 'ok'],
    ]);
    // The alert's village is not guessed from where the device is now.
    expect(overview.towns[0].villages).toEqual([]);
  });

  it('splits a town into its villages by the devices’ village, and keeps the rest of the town in a row of its own', () => {
    const overview = summariseAreas({
      devices: [
        device('m-w-1', 'water', 'Ashford', 'Millbrook'),
        device('m-w-2', 'water', 'Ashford', 'Millbrook', 'offline'),
        device('e-g-1', 'gas', 'Ashford', 'Eastgate'),
        device('a-p-1', 'power', 'Ashford'),
      ],
      openAlerts: [alert('m-w-2', 'water', 'Ashford', 'critical'), alert('a-p-1', 'power', 'Ashford', 'warning')],
      domains: ['water', 'power', 'gas'],
      now: NOW,
    });
    const [ashford] = overview.towns;
    expect(ashford.devices).toEqual({ total: 4, reporting: 3, quiet: 0, offline: 1 });
    expect(ashford.villages.map((village) => [village.area, village.devices.total, village.devices.offline, village.openAlerts, village.domains.map((domain) => domain.light)])).toEqual([
      ['Ashford/Eastgate', 1, 0, { critical: 0, warning: 0, info: 0 }, ['none', 'none', 'ok']],
      ['Ashford/Millbrook', 2, 1, { critical: 1, warning: 0, info: 0 }, ['critical', 'none', 'none']],
      [null, 1, 0, { critical: 0, warning: 1, info: 0 }, ['none', 'warning', 'none']],
    ]);
  });

  it('lists no village rows for a town without villages, nor for the devices without a town', () => {
    const overview = summariseAreas({ devices: [device('a-1', 'water', 'Ashford'), device('x-1', 'water', null, 'Millbrook')], openAlerts: [], domains: ['water'], now: NOW });
    expect(overview.towns.map((town) => [town.area, town.villages])).toEqual([
      ['Ashford', []],
      [null, []],
    ]);
  });

  it('shows the registry’s areas with nothing in them as empty, grey tiles', () => {
    const overview = summariseAreas({ devices: [device('a-1', 'water', 'Ashford', 'Millbrook')], openAlerts: [], domains: ['water'], areas: ['Ashford', 'Ashford/Millbrook', 'Ashford/Oakley', 'Cresswell'], now: NOW });
    expect(overview.towns.map((town) => [town.area, town.devices.total, town.domains[0].light, town.villages.map((village) => [village.area, village.devices.total])])).toEqual([
      ['Ashford', 1, 'ok', [['Ashford/Millbrook', 1], ['Ashford/Oakley', 0]]],
      ['Cresswell', 0, 'none', []],
    ]);
  });

  it('adds a domain met among the devices but not in the given list after the listed ones', () => {
    const overview = summariseAreas({ devices: [device('f-1', 'flood', 'Ashford')], openAlerts: [], domains: ['water'], now: NOW });
    expect(overview.domains).toEqual(['water', 'flood']);
    expect(overview.towns[0].domains.map((domain) => [domain.domain, domain.light])).toEqual([
      ['water', 'none'],
      ['flood', 'ok'],
    ]);
  });

  it('answers an empty overview for a scope with nothing in it', () => {
    expect(summariseAreas({ devices: [], openAlerts: [], domains: ['water'], now: NOW }).towns).toEqual([]);
  });
});
