import { AccessDeniedError } from '@hub/access';
import { SILENT_LOGGER } from '@hub/common';
import { DeviceImportService } from '../device-import.service';
import { readDeviceCsv } from '../device-import';
import { InvalidDeviceError } from '../device-registry.errors';
import { ADMIN, ASHFORD_ADMIN, RegistryFixture } from '../testing/registry-fixture';
import { InvalidAreaError } from './area.errors';
import { importAreas, readAreaCsv } from './area-import';
import { AreaRepository } from './area.repository';
import { AreasService } from './areas.service';

const MILLBROOK_OPERATOR = { name: 'mo', scope: { towns: ['Ashford/Millbrook'], domains: [] } };

describe('AreasService', () => {
  let fixture: RegistryFixture;
  let areas: AreasService;

  beforeEach(async () => {
    fixture = await RegistryFixture.create();
    areas = new AreasService({ store: fixture.store, repository: new AreaRepository(fixture.store), audit: fixture.audit, logger: SILENT_LOGGER, now: () => fixture.time });
    areas.useDevices(fixture.registry);
    fixture.registry.useAreas(areas);
  });

  const areaTrail = (): Array<[string, string | null, string]> => fixture.auditTrail().filter(([action]) => action.startsWith('area.'));
  const provision = async (deviceId: string, town: string | null, village?: string, domain = 'water'): Promise<void> => {
    await fixture.registry.provision(ADMIN, { deviceId, domain, town, ...(village === undefined ? {} : { village }) });
  };

  it('registers towns and their villages, audited, and refuses bad names, unknown towns, repeats and nested villages', async () => {
    await areas.create(ADMIN, { name: 'Ashford' });
    await areas.create(ADMIN, { name: 'Millbrook', parent: 'Ashford' });
    expect(areas.list({ towns: [], domains: [] })).toEqual([
      { path: 'Ashford', name: 'Ashford', parent: null, level: 'town', devices: 0 },
      { path: 'Ashford/Millbrook', name: 'Millbrook', parent: 'Ashford', level: 'village', devices: 0 },
    ]);
    expect(areaTrail()).toEqual([
      ['area.create', 'Ashford', 'ada'],
      ['area.create', 'Ashford/Millbrook', 'ada'],
    ]);
    await expect(areas.create(ADMIN, { name: 'North/South' })).rejects.toThrow(InvalidAreaError);
    await expect(areas.create(ADMIN, { name: ' Ashford' })).rejects.toThrow(InvalidAreaError);
    await expect(areas.create(ADMIN, { name: 'Oakley', parent: 'Brook' })).rejects.toThrow(new InvalidAreaError('Invalid area', [{ field: 'parent', problem: 'no town "Brook": register the town first' }]));
    await expect(areas.create(ADMIN, { name: 'Ashford' })).rejects.toThrow(expect.objectContaining({ message: 'Area Ashford is already registered', code: 'area-exists', params: { area: 'Ashford' } }));
    await expect(areas.create(ADMIN, { name: 'Mill Lane', parent: 'Ashford/Millbrook' })).rejects.toThrow(InvalidAreaError);
    await expect(areas.create(ADMIN, { name: 'x', color: 'red' })).rejects.toThrow(InvalidAreaError);
    // A town's admin manages its villages, not other towns.
    expect((await areas.create(ASHFORD_ADMIN, { name: 'Oakley', parent: 'Ashford' })).path).toBe('Ashford/Oakley');
    await expect(areas.create(ASHFORD_ADMIN, { name: 'Brook' })).rejects.toThrow(AccessDeniedError);
  });

  it('takes a device’s village only when it is a registered village of its town (400 naming it otherwise)', async () => {
    await areas.create(ADMIN, { name: 'Ashford' });
    await areas.create(ADMIN, { name: 'Millbrook', parent: 'Ashford' });
    await provision('w-1', 'Ashford', 'Millbrook');
    expect(fixture.registry.find('w-1')).toMatchObject({ town: 'Ashford', village: 'Millbrook' });
    expect(fixture.registry.areaOf('w-1')).toBe('Ashford/Millbrook');
    expect(fixture.registry.tagsOf('w-1')).toEqual([
      ['town', 'Ashford'],
      ['village', 'Millbrook'],
    ]);
    let error: unknown;
    try {
      await provision('w-2', 'Ashford', 'Oakley');
    } catch (caught) {
      error = caught;
    }
    expect(error).toEqual(
      new InvalidDeviceError('Invalid device', [
        { field: 'village', problem: '"Oakley" is not a registered village of "Ashford" (GET /api/areas lists them; an admin adds one with POST /api/areas)' },
      ]),
    );
    await expect(provision('w-3', null, 'Millbrook')).rejects.toThrow(new InvalidDeviceError('Invalid device', [{ field: 'village', problem: 'a village is within a town: give the town too' }]));
    await expect(fixture.registry.update(ADMIN, 'w-1', { town: 'Brook' })).rejects.toThrow(InvalidDeviceError);
    await fixture.registry.update(ADMIN, 'w-1', { village: null });
    expect(fixture.registry.tagsOf('w-1')).toEqual([['town', 'Ashford']]);
    await fixture.registry.update(ADMIN, 'w-1', { village: 'Millbrook' });
    expect(fixture.registry.areaOf('w-1')).toBe('Ashford/Millbrook');
    await expect(fixture.registry.update(ADMIN, 'w-1', { village: 'Mill/brook' })).rejects.toThrow(InvalidDeviceError);
  });

  it('registers a town a device names for the first time, audited as created via that device, once', async () => {
    await provision('w-1', 'Brook');
    await provision('w-2', 'Brook');
    await fixture.registry.update(ADMIN, 'w-2', { town: 'Carlow' });
    expect(areas.list({ towns: [], domains: [] }).map((area) => [area.path, area.devices])).toEqual([
      ['Brook', 1],
      ['Carlow', 1],
    ]);
    expect(fixture.audit.list({ action: 'area.create', limit: 10 }).map((entry) => [entry.targetId, entry.detail])).toEqual([
      ['Carlow', { name: 'Carlow', level: 'town', via: 'device', deviceId: 'w-2' }],
      ['Brook', { name: 'Brook', level: 'town', via: 'device', deviceId: 'w-1' }],
    ]);
  });

  it('imports a device CSV with a village column, refusing the rows whose village is not their town’s', async () => {
    await areas.create(ADMIN, { name: 'Ashford' });
    await areas.create(ADMIN, { name: 'Millbrook', parent: 'Ashford' });
    const rows = readDeviceCsv('device_id,domain,town,village\nw-1,water,Ashford,Millbrook\nw-2,water,Ashford,Oakley\nw-3,water,Ashford,\n');
    const report = await new DeviceImportService(fixture.registry).import(ADMIN, rows.ok ? rows.value : [], 'csv');
    expect(report.created.map((entry) => entry.deviceId)).toEqual(['w-1', 'w-3']);
    expect(report.refused).toEqual([{ line: 3, deviceId: 'w-2', problems: [{ field: 'village', problem: expect.stringContaining('"Oakley" is not a registered village of "Ashford"') as string }] }]);
    expect(fixture.registry.find('w-3')?.village).toBeNull();
  });

  it('shows a scoped caller their part of the tree, counting only the devices they may see', async () => {
    for (const [name, parent] of [['Ashford', undefined], ['Millbrook', 'Ashford'], ['Oakley', 'Ashford'], ['Brook', undefined]] as const) await areas.create(ADMIN, { name, parent });
    await provision('w-1', 'Ashford', 'Millbrook');
    await provision('g-1', 'Ashford', 'Millbrook', 'gas');
    await provision('w-2', 'Ashford', 'Oakley');
    await provision('w-3', 'Ashford');
    await provision('w-4', 'Brook');
    const counts = (scope: { towns: string[]; domains: Array<'water' | 'gas'> }): Array<[string, number]> => areas.list(scope).map((area) => [area.path, area.devices]);
    expect(counts({ towns: [], domains: [] })).toEqual([
      ['Ashford', 4],
      ['Ashford/Millbrook', 2],
      ['Ashford/Oakley', 1],
      ['Brook', 1],
    ]);
    expect(counts({ towns: ['Ashford/Millbrook'], domains: [] })).toEqual([
      ['Ashford', 2],
      ['Ashford/Millbrook', 2],
    ]);
    expect(counts({ towns: ['Ashford'], domains: ['water'] })).toEqual([
      ['Ashford', 3],
      ['Ashford/Millbrook', 1],
      ['Ashford/Oakley', 1],
    ]);
  });

  it('deletes only an area nothing names, saying who still does (409)', async () => {
    await areas.create(ADMIN, { name: 'Ashford' });
    await areas.create(ADMIN, { name: 'Millbrook', parent: 'Ashford' });
    await provision('w-1', 'Ashford', 'Millbrook');
    await provision('w-2', 'Ashford', 'Millbrook');
    fixture.db
      .prepare(`INSERT INTO operators (username, password_hash, role, towns, domains, created_at, created_by, updated_at) VALUES ('mo', 'x', 'operator', '["Ashford/Millbrook"]', '[]', 1, 'ada', 1)`)
      .run();
    fixture.db.prepare(`INSERT INTO alert_silences (domain, town, starts_at, ends_at, reason, created_by, created_at) VALUES ('water', 'Ashford/Millbrook', 1, ?, 'works', 'ada', 1)`).run(fixture.time + 60_000);
    await expect(areas.remove(ADMIN, 'Ashford')).rejects.toThrow(expect.objectContaining({ message: 'Town Ashford still has villages (Millbrook): delete them first', code: 'area-has-villages', params: { area: 'Ashford', villages: 'Millbrook' } }));
    await expect(areas.remove(ADMIN, 'Ashford/Millbrook')).rejects.toThrow(
      expect.objectContaining({ message: 'Area Ashford/Millbrook cannot be deleted while devices w-1, w-2; operator mo; silence 1 still name it', code: 'area-in-use', params: { area: 'Ashford/Millbrook', count: 4 } }),
    );
    await fixture.registry.remove(ADMIN, 'w-1');
    await fixture.registry.remove(ADMIN, 'w-2');
    fixture.db.prepare(`UPDATE operators SET towns = '["Ashford"]'`).run();
    fixture.time += 120_000; // the silence is over
    await areas.remove(ADMIN, 'Ashford/Millbrook');
    expect(areas.find('Ashford/Millbrook')).toBeUndefined();
    await expect(areas.remove(ADMIN, 'Ashford/Millbrook')).rejects.toThrow(expect.objectContaining({ name: 'AreaNotFoundError', code: 'area-not-found', params: { area: 'Ashford/Millbrook' } }));
    await expect(areas.remove(ADMIN, 'Ashford')).rejects.toThrow(expect.objectContaining({ message: 'Area Ashford cannot be deleted while operator mo still names it', code: 'area-in-use', params: { area: 'Ashford', count: 1 } }));
    expect(areaTrail().at(-1)).toEqual(['area.delete', 'Ashford/Millbrook', 'ada']);
  });

  it('renames an area with its devices and villages, audited, unless a scope names it', async () => {
    await areas.create(ADMIN, { name: 'Ashford' });
    await areas.create(ADMIN, { name: 'Milbrook', parent: 'Ashford' });
    await provision('w-1', 'Ashford', 'Milbrook');
    expect((await areas.rename(ADMIN, 'Ashford/Milbrook', { name: 'Millbrook' })).path).toBe('Ashford/Millbrook');
    expect(fixture.registry.find('w-1')).toMatchObject({ town: 'Ashford', village: 'Millbrook' });
    expect(fixture.registry.tagsOf('w-1')).toEqual([
      ['town', 'Ashford'],
      ['village', 'Millbrook'],
    ]);
    await areas.rename(ADMIN, 'Ashford', { name: 'Ashford Town' });
    expect(areas.list({ towns: [], domains: [] }).map((area) => [area.path, area.parent, area.devices])).toEqual([
      ['Ashford Town', null, 1],
      ['Ashford Town/Millbrook', 'Ashford Town', 1],
    ]);
    expect(fixture.registry.areaOf('w-1')).toBe('Ashford Town/Millbrook');
    expect(fixture.audit.list({ action: 'area.rename', limit: 10 }).map((entry) => entry.detail)).toEqual([
      { from: 'Ashford', to: 'Ashford Town', devicesMoved: 1 },
      { from: 'Ashford/Milbrook', to: 'Ashford/Millbrook', devicesMoved: 1 },
    ]);
    expect(fixture.audit.list({ action: 'device.update', limit: 10 }).map((entry) => entry.detail)).toEqual([
      { changes: { town: 'Ashford Town' }, via: 'area.rename' },
      { changes: { village: 'Millbrook' }, via: 'area.rename' },
    ]);
    // After a restart, from the database.
    const again = new AreasService({ store: fixture.store, repository: new AreaRepository(fixture.store), audit: fixture.audit, logger: SILENT_LOGGER });
    await again.load();
    expect(again.list({ towns: [], domains: [] }).map((area) => area.path)).toEqual(['Ashford Town', 'Ashford Town/Millbrook']);
    fixture.db.prepare(`INSERT INTO api_keys (name, key_hash, key_prefix, role, towns, domains, created_at, created_by) VALUES ('scada', 'h', 'p', 'viewer', '["Ashford Town/Millbrook"]', '[]', 1, 'ada')`).run();
    await expect(areas.rename(ADMIN, 'Ashford Town', { name: 'Ashford' })).rejects.toThrow(
      expect.objectContaining({ message: 'Area Ashford Town cannot be renamed while API key scada still names it: change it first', code: 'area-in-use', params: { area: 'Ashford Town', count: 1 } }),
    );
    await expect(areas.rename(MILLBROOK_OPERATOR, 'Ashford Town', { name: 'Ashford' })).rejects.toThrow(AccessDeniedError);
  });

  it('imports areas from CSV: good lines in one go, each refused line with why', async () => {
    await areas.create(ADMIN, { name: 'Brook' });
    const rows = readAreaCsv('Town,Village\nAshford,Millbrook\nAshford,Oakley\nAshford,\nBrook,\nCarlow,Mill/Lane\n,Orphan\nDunmore,Ely\nDunmore,Ely\nBrook,Fen\n');
    if (!rows.ok) throw new Error('unreadable');
    const report = await importAreas(areas, ADMIN, rows.value);
    expect(report).toEqual({
      created: ['Ashford', 'Ashford/Millbrook', 'Ashford/Oakley', 'Brook/Fen'],
      refused: [
        { line: 5, path: 'Brook', problems: [{ field: 'town', problem: 'Area Brook is already registered' }] },
        { line: 6, problems: [{ field: 'village', problem: 'must be an area name of 1–100 characters, without "/", control or invisible formatting characters' }] },
        { line: 7, problems: [{ field: 'town', problem: 'required' }] },
        { line: 8, path: 'Dunmore/Ely', problems: [{ field: 'village', problem: 'Dunmore/Ely appears on more than one line (line 8, line 9); list each area once' }] },
        { line: 9, path: 'Dunmore/Ely', problems: [{ field: 'village', problem: 'Dunmore/Ely appears on more than one line (line 8, line 9); list each area once' }] },
      ],
    });
    expect(fixture.audit.list({ action: 'area.import', limit: 1 })[0].detail).toEqual({ source: 'csv', rows: 9, created: 4, refused: 5 });
    expect(readAreaCsv('village,region\nx,y\n')).toEqual({
      ok: false,
      problems: [
        { field: 'region', problem: 'unknown column; allowed: town, village' },
        { field: 'town', problem: 'required column is missing from the header row' },
      ],
    });
    // A town admin's import: their villages are created, another town is refused.
    const scoped = readAreaCsv('town,village\nAshford,Elm\nBrook,Ash\n');
    expect(await importAreas(areas, ASHFORD_ADMIN, scoped.ok ? scoped.value : [])).toEqual({
      created: ['Ashford/Elm'],
      refused: [{ line: 3, path: 'Brook/Ash', problems: [{ field: 'village', problem: 'Area Brook/Ash is outside the towns ash may manage (towns Ashford)' }] }],
    });
  });
});
