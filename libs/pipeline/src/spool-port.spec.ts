import { readingToLine } from '@hub/influx';
import { SpoolFullError } from '@hub/spool';
import { isSpoolFull, originOfLine } from './spool-port';

describe('originOfLine', () => {
  it('rebuilds domain, device id and telemetry topic of a line readingToLine wrote, among extra tags', () => {
    const deviceId = `Pump_7-${'x'.repeat(57)}`;
    const line = readingToLine({ domain: 'water', deviceId, ts: 1000, tsFromDevice: true, metrics: { pressure_kpa: 1 } }, [['area', 'a,b=c d'], ['site', 'Mill Lane']]);
    expect(originOfLine(line)).toEqual({ line, domain: 'water', deviceId, topic: `sensors/water/${deviceId}/telemetry` });
  });

  it('does not take a device_id from a field or another tag', () => {
    const line = 'gas,area=x\\,device_id\\=fake,device_id=g-9 note="device_id=fake" 1000';
    expect(originOfLine(line)).toEqual({ line, domain: 'gas', deviceId: 'g-9', topic: 'sensors/gas/g-9/telemetry' });
  });

  it('keeps the line with empty fields when it does not parse or its measurement is no domain', () => {
    expect(originOfLine('garbage')).toEqual({ line: 'garbage', domain: '', deviceId: '', topic: '' });
    expect(originOfLine('Bogus!,device_id=b-1 v=1 1000')).toEqual({ line: 'Bogus!,device_id=b-1 v=1 1000', domain: 'Bogus!', deviceId: 'b-1', topic: '' });
  });
});

describe('isSpoolFull', () => {
  it('recognises SpoolFullError by type, not an error that only carries its name', () => {
    const impostor = new Error('disk failed');
    impostor.name = 'SpoolFullError';
    expect(isSpoolFull(new SpoolFullError(10, 10))).toBe(true);
    expect(isSpoolFull(impostor)).toBe(false);
    expect(isSpoolFull('SpoolFullError')).toBe(false);
  });
});
