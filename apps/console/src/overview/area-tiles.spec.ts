import type { AreaDomainSummary, FleetDevice } from '@hub/api-types';
import { areaName, townHref, villageOf, worstLight } from './area-tiles';

const domain = (light: AreaDomainSummary['light']): AreaDomainSummary => ({ domain: 'water', devices: light === 'none' ? 0 : 1, openAlerts: 0, worst: null, light });

describe('area tiles', () => {
  it('colour a tile by its worst domain light, grey when it has none', () => {
    expect(worstLight({ domains: [domain('ok'), domain('critical'), domain('warning')] })).toBe('critical');
    expect(worstLight({ domains: [domain('none'), domain('warning'), domain('ok')] })).toBe('warning');
    expect(worstLight({ domains: [domain('none'), domain('ok')] })).toBe('ok');
    expect(worstLight({ domains: [domain('none')] })).toBe('none');
    expect(worstLight({ domains: [] })).toBe('none');
  });

  it('name an area by the last part of its path and link a town percent-encoded', () => {
    expect(areaName('Ashford/Millbrook')).toBe('Millbrook');
    expect(areaName('Ashford')).toBe('Ashford');
    expect(townHref('North Ashford')).toBe('/areas/North%20Ashford');
    expect(townHref('城关镇')).toBe('/areas/%E5%9F%8E%E5%85%B3%E9%95%87');
  });

  it('read a device’s village when the hub sends one, none otherwise', () => {
    const device = { deviceId: 'w-1', domain: 'water' } as FleetDevice;
    expect(villageOf(device)).toBeNull();
    expect(villageOf({ ...device, village: 'Millbrook' })).toBe('Millbrook');
    expect(villageOf({ ...device, village: null })).toBeNull();
  });
});
