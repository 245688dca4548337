import { areaChoices, areaPathOf, inArea, type MapDevice, roundDegrees } from './map-areas';
import { markerState, worstMarkerState } from './marker-state';

const device = (town: string | null, village?: string | null): MapDevice => ({ town, village }) as MapDevice;

describe('map marker state', () => {
  it.each([
    ['online', undefined, 'ok'],
    ['quiet', undefined, 'quiet'],
    ['offline', undefined, 'offline'],
    ['online', 'info', 'info'],
    ['offline', 'info', 'offline'],
    ['online', 'warning', 'warning'],
    ['offline', 'warning', 'warning'],
    ['quiet', 'critical', 'critical'],
    ['offline', 'critical', 'critical'],
  ] as const)('a %s device with worst open alert %s is %s', (status, severity, state) => {
    expect(markerState(status, severity)).toBe(state);
  });

  it('gives a cluster its worst device’s state', () => {
    expect(worstMarkerState(['ok', 'quiet', 'offline', 'ok'])).toBe('offline');
    expect(worstMarkerState(['ok', 'critical', 'warning'])).toBe('critical');
    expect(worstMarkerState(['ok'])).toBe('ok');
    expect(worstMarkerState([])).toBe('ok');
  });
});

describe('map areas', () => {
  it('places a device at its village, its town, or the county', () => {
    expect([areaPathOf(device('Ashford', 'Millbrook')), areaPathOf(device('Ashford', null)), areaPathOf(device('Ashford')), areaPathOf(device(null))]).toEqual([
      'Ashford/Millbrook',
      'Ashford',
      'Ashford',
      '',
    ]);
  });

  it('counts a village’s devices in its town, not the other way round, nor a town whose name starts the same', () => {
    expect(inArea(device('Ashford', 'Millbrook'), 'Ashford')).toBe(true);
    expect(inArea(device('Ashford', 'Millbrook'), 'Ashford/Millbrook')).toBe(true);
    expect(inArea(device('Ashford'), 'Ashford/Millbrook')).toBe(false);
    expect(inArea(device('Ashfordham'), 'Ashford')).toBe(false);
    expect(inArea(device(null), '')).toBe(true);
  });

  it('offers every town and village of the devices and the boundaries, a town before its villages', () => {
    const boundary = (area: string) => ({ type: 'Feature', properties: { area }, geometry: { type: 'Polygon', coordinates: [] } }) as const;
    expect(areaChoices([device('Brookfield'), device('Ashford', 'Millbrook'), device(null), device('Town 10'), device('Town 9')], [boundary('Calder/East'), boundary('')])).toEqual([
      'Ashford',
      'Ashford/Millbrook',
      'Brookfield',
      'Calder',
      'Calder/East',
      'Town 9',
      'Town 10',
    ]);
  });

  it('rounds a clicked position to six decimals', () => {
    expect([roundDegrees(39.123456789), roundDegrees(-116.0000004)]).toEqual([39.123457, -116]);
  });
});
