import type { AreaView } from '@hub/api-types';
import { HubProcess } from '../harness/hub-process';
import { InfluxdProcess } from '../harness/influxd-process';
import { createOperator } from '../harness/operators';
import { ConsoleBrowser } from './console-browser';
import { eventually } from './web-assertions';

const ADMIN = { username: 'areas.admin', password: 'county areas keeper', role: 'admin' } as const;

/**
 * The areas registry as an admin keeps it in the console: a town and its village added by hand, more imported from a
 * CSV file (the refused line shown with the hub's reason), a village renamed, and a delete the hub refuses because a
 * device still names the village — its message shown as it is. The tree the hub holds at the end is checked exactly.
 */
describe('operator console: admin areas (real browser, service, influxd)', () => {
  let influxd: InfluxdProcess;
  let hub: HubProcess;
  let browser: ConsoleBrowser;

  beforeAll(async () => {
    influxd = await InfluxdProcess.start();
    hub = await HubProcess.start({ INFLUX_URL: influxd.url, INFLUX_DATABASE: 'console_areas', HUB_ALERT_DEFAULT_RULES: 'off' });
    await createOperator(hub, ADMIN);
    browser = await ConsoleBrowser.launch(hub.httpUrl, { timezoneId: 'UTC' });
    await browser.open('/admin/areas');
    await browser.signIn(ADMIN.username, ADMIN.password);
  });

  afterAll(async () => {
    await browser?.close();
    await hub?.cleanup();
    await influxd?.cleanup();
  });

  const page = () => browser.page;
  const row = (path: string) => page().locator(`tr[data-area="${path}"]`);

  it('adds a town and a village of it, listed as a tree', async () => {
    await eventually(page().locator('#page-title')).toHaveText('Areas');
    await eventually(page().locator('#areas-title')).toHaveText('Towns and villages');
    const form = page().locator('form[data-area-add]');
    await form.locator('input[name="name"]').fill('Ashford');
    await form.getByRole('button', { name: 'Add', exact: true }).click();
    await eventually(row('Ashford').locator('th')).toHaveText('Ashford');

    await form.locator('input[name="name"]').fill('Millbrook');
    await form.locator('select[name="parent"]').selectOption('Ashford');
    await form.getByRole('button', { name: 'Add', exact: true }).click();
    await eventually(row('Ashford/Millbrook').locator('td').first()).toHaveText('Village');
    expect((await page().locator('.areas-table tbody tr').evaluateAll((rows) => rows.map((element) => element.getAttribute('data-area'))))).toEqual(['Ashford', 'Ashford/Millbrook']);
  });

  it('imports a CSV file: one line created, the other refused with the hub’s reason', async () => {
    await page()
      .locator('input[data-area-file]')
      .setInputFiles({ name: 'areas.csv', mimeType: 'text/csv', buffer: Buffer.from('town,village\nAshford,Oakley\nAshford,Mill/Lane\n') });
    await page().getByRole('button', { name: 'Import', exact: true }).click();
    const report = page().locator('[data-area-import-report]');
    await eventually(report.locator('[data-area-created]')).toHaveText('1 area created.');
    await eventually(report.locator('li')).toHaveCount(1);
    await eventually(report.locator('li[data-refused-line="3"]')).toHaveText(
      'Line 3 refused: village: must be an area name of 1–100 characters, without "/", control or invisible formatting characters',
    );
    await eventually(row('Ashford/Oakley')).toHaveCount(1);
  });

  it('refuses a file whose header has no town column, listing the hub’s problem per field', async () => {
    await page()
      .locator('input[data-area-file]')
      .setInputFiles({ name: 'places.csv', mimeType: 'text/csv', buffer: Buffer.from('place,village\nAshford,Upton\n') });
    await page().getByRole('button', { name: 'Import', exact: true }).click();
    const notice = page().locator('#area-import-title ~ .notice-error');
    await eventually(notice.locator('.notice-detail')).toHaveText('The CSV file cannot be imported');
    await eventually(notice.locator('.notice-fields li')).toHaveCount(2);
    expect(await notice.locator('.notice-fields li').allTextContents()).toEqual(['place: unknown column; allowed: town, village', 'town: required column is missing from the header row']);
    await eventually(row('Ashford/Upton')).toHaveCount(0);
    // The refused file is the one failed request the page made.
    expect(browser.errors.splice(0).filter((message) => !/status of 400/.test(message))).toEqual([]);
  });

  it('renames the village, then shows the hub’s refusal to delete it while a device names it', async () => {
    const device = await hub.request('POST', '/api/devices', { deviceId: 'mill-w-1', domain: 'water', town: 'Ashford', village: 'Millbrook' });
    expect(device.status).toBe(201);
    await page().reload();
    await eventually(row('Ashford/Millbrook').locator('[data-cell="devices"]')).toHaveText('1');

    await row('Ashford/Millbrook').getByRole('button', { name: 'Rename Ashford/Millbrook' }).click();
    const input = row('Ashford/Millbrook').getByLabel('New name of Millbrook');
    await input.fill('Millbrook Green');
    await row('Ashford/Millbrook').getByRole('button', { name: 'Rename', exact: true }).click();
    await eventually(row('Ashford/Millbrook Green').locator('th')).toHaveText('Millbrook Green');
    await eventually(row('Ashford/Millbrook')).toHaveCount(0);

    await row('Ashford/Millbrook Green').getByRole('button', { name: 'Delete Ashford/Millbrook Green' }).click();
    await eventually(row('Ashford/Millbrook Green').locator('.confirm')).toContainText('Delete Ashford/Millbrook Green?');
    await row('Ashford/Millbrook Green').getByRole('button', { name: 'Delete', exact: true }).click();
    await eventually(page().locator('[data-area-error] .notice-detail')).toHaveText('Area Ashford/Millbrook Green cannot be deleted while device mill-w-1 still names it');
    await eventually(row('Ashford/Millbrook Green')).toHaveCount(1);

    const tree = await hub.get<AreaView[]>('/api/areas');
    expect(tree.body).toEqual([
      { path: 'Ashford', name: 'Ashford', parent: null, level: 'town', devices: 1 },
      { path: 'Ashford/Millbrook Green', name: 'Millbrook Green', parent: 'Ashford', level: 'village', devices: 1 },
      { path: 'Ashford/Oakley', name: 'Oakley', parent: 'Ashford', level: 'village', devices: 0 },
    ]);
    // The refused delete is the one failed request the page made.
    expect(browser.errors.filter((message) => !/status of 409/.test(message))).toEqual([]);
  });
});
