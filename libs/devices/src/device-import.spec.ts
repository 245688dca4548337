import { MAX_IMPORT_ROWS, readDeviceArray, readDeviceCsv } from './device-import';
import { DeviceImportService } from './device-import.service';
import { ADMIN, ASHFORD_ADMIN, RegistryFixture } from './testing/registry-fixture';

const HEADER = 'device_id,domain,town,site,latitude,longitude,expected_interval,description,enabled';

describe('readDeviceCsv', () => {
  it('maps columns in any order and case to the API fields, trimming cells', async () => {
    const read = readDeviceCsv('Domain, DEVICE_ID ,Town\r\ngas, g-1 , Brook\r\n');
    expect(read.ok && read.value.map((row) => [row.position, row.raw])).toEqual([[{ line: 2 }, { domain: 'gas', deviceId: 'g-1', town: 'Brook' }]]);
  });

  it('refuses the whole file for a missing, unknown or repeated column, or no rows', async () => {
    expect(readDeviceCsv('device_id,twon,town,town\nx,y,z,w\n')).toEqual({
      ok: false,
      problems: [
        { field: 'twon', problem: `unknown column; allowed: ${['device_id', 'domain', 'town', 'village', ...HEADER.split(',').slice(3), 'kind', 'gateway_id', 'gateway_domains', 'profile_id', 'dev_eui'].join(', ')}` },
        { field: 'town', problem: 'column appears more than once' },
        { field: 'domain', problem: 'required column is missing from the header row' },
      ],
    });
    expect(readDeviceCsv(`${HEADER}\n`)).toEqual({ ok: false, problems: [{ field: 'file', problem: 'no device rows after the header' }] });
    expect(readDeviceCsv('')).toEqual({ ok: false, problems: [{ field: 'file', problem: 'empty: expected a header row and one row per device' }] });
  });

  it('caps the rows of one import', async () => {
    const rows = Array.from({ length: MAX_IMPORT_ROWS + 1 }, (_, index) => `d-${index},gas`);
    expect(readDeviceCsv(`device_id,domain\n${rows.join('\n')}`)).toEqual({
      ok: false,
      problems: [{ field: 'file', problem: `${MAX_IMPORT_ROWS + 1} rows; at most ${MAX_IMPORT_ROWS} per import: split the file` }],
    });
  });

  it('marks a row with more fields than the header', async () => {
    const read = readDeviceCsv('device_id,domain\ng-1,gas,Brook\n');
    expect(read.ok && read.value[0].error).toBe('3 fields but the header has 2 columns (an unquoted comma in a value?)');
  });
});

describe('DeviceImportService', () => {
  let fixture: RegistryFixture;
  let importer: DeviceImportService;

  beforeEach(async () => {
    fixture = await RegistryFixture.create();
    importer = new DeviceImportService(fixture.registry);
  });

  const csv = (rows: string[]) => {
    const read = readDeviceCsv([HEADER, ...rows].join('\n'));
    if (!read.ok) throw new Error(JSON.stringify(read.problems));
    return read.value;
  };

  it('takes LoRaWAN meters with their profile and DevEUI (as labels print it), refusing a DevEUI twice in the file, one already held and an unknown profile', async () => {
    fixture.registry.useProfiles({ domainOf: (id) => (id === 'wm-11' ? 'water' : undefined) });
    await fixture.storeProfile('wm-11', 'water');
    await fixture.registry.provision(ADMIN, { deviceId: 'held', domain: 'water', devEui: '70b3d5e75e00a000' });
    const read = readDeviceCsv(
      ['device_id,domain,profile_id,dev_eui', 'wm-1,water,wm-11,70-B3-D5-E7-5E-00-A0-17', 'wm-2,water,wm-11,70b3d5e75e00a018', 'wm-3,water,wm-11,70b3d5e75e00a018', 'wm-4,water,wm-11,70:b3:d5:e7:5e:00:a0:00', 'wm-5,water,wm-12,', 'wm-6,water,,70b3d5'].join('\n'),
    );
    if (!read.ok) throw new Error(JSON.stringify(read.problems));
    const report = await importer.import(ADMIN, read.value, 'csv');
    expect(report.created.map(({ deviceId }) => deviceId)).toEqual(['wm-1']);
    expect(fixture.registry.findByDevEui('70b3d5e75e00a017')).toMatchObject({ deviceId: 'wm-1', profileId: 'wm-11' });
    expect(report.refused).toEqual([
      { line: 3, deviceId: 'wm-2', problems: [{ field: 'dev_eui', problem: '70b3d5e75e00a018 appears more than once in this import (line 3, line 4); a DevEUI names one device' }] },
      { line: 4, deviceId: 'wm-3', problems: [{ field: 'dev_eui', problem: '70b3d5e75e00a018 appears more than once in this import (line 3, line 4); a DevEUI names one device' }] },
      { line: 5, deviceId: 'wm-4', problems: [{ field: 'dev_eui', problem: "70b3d5e75e00a000 is already device held's" }] },
      { line: 6, deviceId: 'wm-5', problems: [{ field: 'profile_id', problem: 'no device profile "wm-12" (GET /api/device-profiles lists them)' }] },
      { line: 7, deviceId: 'wm-6', problems: [{ field: 'dev_eui', problem: 'must be a DevEUI of 16 hex digits (separators - and : allowed), got "70b3d5"' }] },
    ]);
  });

  it('creates the good rows and reports every bad one with its line, id and problems named by column', async () => {
    await fixture.registry.provision(ADMIN, { deviceId: 'old-1', domain: 'water' });
    const report = await importer.import(
      ADMIN,
      csv([
        'g-1,gas,Brook,Depot,52.5,-1.25,5m,"Governor, inlet",yes',
        'g-2,gas,,,,,,,',
        'g-3,gas,Brook,,52.5,,,,',
        'g-4,gas,Brook,,,,every hour,,maybe',
        'dup,water,,,,,,,',
        'old-1,water,,,,,,,',
        'dup,power,,,,,,,',
        ',gas,,,,,,,',
      ]),
      'csv',
    );
    expect(report.created.map((entry) => entry.deviceId)).toEqual(['g-1', 'g-2']);
    expect(report.refused).toEqual([
      { line: 4, deviceId: 'g-3', problems: [{ field: 'longitude', problem: 'latitude and longitude go together: give both or neither' }] },
      {
        line: 5,
        deviceId: 'g-4',
        problems: [
          { field: 'expected_interval', problem: 'must be whole seconds or a duration like 30s, 5m, 1h, from 1 s to 604800 s (7 days), got "every hour"' },
          { field: 'enabled', problem: 'must be true or false (also yes/no, 1/0), got "maybe"' },
        ],
      },
      { line: 6, deviceId: 'dup', problems: [{ field: 'device_id', problem: 'appears more than once in this import (line 6, line 8); list each device once' }] },
      { line: 7, deviceId: 'old-1', problems: [{ field: 'device_id', problem: 'is already provisioned (PATCH it to change it, or rotate its secret)' }] },
      { line: 8, deviceId: 'dup', problems: [{ field: 'device_id', problem: 'appears more than once in this import (line 6, line 8); list each device once' }] },
      { line: 9, problems: [{ field: 'device_id', problem: 'required' }] },
    ]);
    expect(fixture.registry.find('g-1')).toMatchObject({ town: 'Brook', site: 'Depot', latitude: 52.5, longitude: -1.25, expectedIntervalS: 300, description: 'Governor, inlet', enabled: true });
    expect(fixture.registry.find('dup')).toBeUndefined();
    expect(fixture.auditTrail()).toEqual([
      ['device.provision', 'old-1', 'ada'],
      ['device.provision', 'g-1', 'ada'],
      ['device.provision', 'g-2', 'ada'],
      ['device.import', null, 'ada'],
    ]);
    expect(fixture.audit.list({ action: 'device.import', limit: 1 })[0].detail).toEqual({ source: 'csv', rows: 8, created: 2, refused: 6 });
  });

  it('refuses a row whose town or site holds a bidi override or a zero-width space, and creates the others', async () => {
    const report = await importer.import(ADMIN, csv(['a-1,gas,Ashford,Depot,,,,,', 'a-2,gas,\u202edrofhsA,,,,,,', 'a-3,gas,Ashford,De\u200bpot,,,,,']), 'csv');
    expect(report.created.map((entry) => entry.deviceId)).toEqual(['a-1']);
    expect(report.refused.map((row) => [row.deviceId, row.problems.map((problem) => `${problem.field}: ${problem.problem.split('; ')[1]}`)])).toEqual([
      ['a-2', ['town: found "\\u202e" in "\\u202edrofhsA"']],
      ['a-3', ['site: found "\\u200b" in "De\\u200bpot"']],
    ]);
  });

  it('refuses rows outside a town-scoped admin’s towns', async () => {
    const report = await importer.import(ASHFORD_ADMIN, csv(['a-1,gas,Ashford,,,,,,', 'b-1,gas,Brook,,,,,,']), 'csv');
    expect(report.created.map((entry) => entry.deviceId)).toEqual(['a-1']);
    expect(report.refused).toEqual([{ line: 3, deviceId: 'b-1', problems: [{ field: 'town', problem: 'outside the towns and domains ash may manage' }] }]);
  });

  it('takes a JSON array for scripts, reporting positions and JSON field names', async () => {
    const read = readDeviceArray([{ deviceId: 'j-1', domain: 'heat', expectedIntervalS: 60 }, 'j-2', { deviceId: 'j-3', domain: 'heat', expectedIntervalS: '1m' }]);
    if (!read.ok) throw new Error('expected an array');
    const report = await importer.import(ADMIN, read.value, 'json');
    expect(report.created.map((entry) => entry.deviceId)).toEqual(['j-1']);
    expect(report.refused).toEqual([
      { index: 1, problems: [{ field: 'row', problem: 'expected a JSON object' }] },
      { index: 2, deviceId: 'j-3', problems: [{ field: 'expectedIntervalS', problem: 'must be whole seconds, from 1 s to 604800 s (7 days), got "1m"' }] },
    ]);
    expect(readDeviceArray({ deviceId: 'x' })).toEqual({ ok: false, problems: [{ field: 'body', problem: 'expected a JSON array of devices, or text/csv' }] });
  });
});
