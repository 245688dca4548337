import type { DeviceProfileView, DeviceView } from '@hub/api-types';
import { HubProcess } from '../harness/hub-process';
import { InfluxdProcess } from '../harness/influxd-process';
import { postReadings } from '../harness/http-ingest';
import { createOperator } from '../harness/operators';
import { provisionDevice } from '../harness/provision';
import { storedReadings } from '../harness/stored-readings';
import { waitFor } from '../harness/wait-for';
import type { Locator } from 'playwright-core';
import { ConsoleBrowser } from './console-browser';
import { eventually } from './web-assertions';

const DATABASE = 'console_profiles';

/** A vendor RTU's own JSON: pressure in 0.1 kPa, flow in L/s, epoch seconds, a sequence number. */
const MAPPING = {
  metrics: { pressure_kpa: { expr: 'P1', scale: 0.1 }, flow_m3h: { expr: 'F', unit: { from: 'L/s', to: 'm³/h' } } },
  timestamp: { expr: 'T', format: 'epoch-s' },
  seq: 'N',
};

/**
 * The device-profile editor in Debian's Chromium against the real service: an admin creates a mapping profile, tries
 * its saved sample (exact readings after scale and unit conversion), sees a draft codec's throw as DECODER_ERROR,
 * gives the profile to a device on its page, and is told which device keeps the profile from being deleted.
 */
describe('operator console: the device profile editor (real browser, service)', () => {
  let influxd: InfluxdProcess;
  let hub: HubProcess;
  let browser: ConsoleBrowser;
  let secret: string;
  // Recent, whole seconds: the contract refuses readings too far in the past.
  const eventSeconds = Math.floor(Date.now() / 1000) - 60;
  const eventIso = new Date(eventSeconds * 1000).toISOString();

  beforeAll(async () => {
    influxd = await InfluxdProcess.start();
    hub = await HubProcess.start({ INFLUX_URL: influxd.url, INFLUX_DATABASE: DATABASE, HUB_ALERT_DEFAULT_RULES: 'off' });
    await createOperator(hub, { username: 'prof.admin', password: 'codecs and frames 42', role: 'admin' });
    secret = await provisionDevice(hub, 'w-rtu-1', 'water');
    browser = await ConsoleBrowser.launch(hub.httpUrl);
    await browser.open('/admin/device-profiles');
    await browser.signIn('prof.admin', 'codecs and frames 42');
  });

  afterAll(async () => {
    await browser?.close();
    await hub?.cleanup();
    await influxd?.cleanup();
  });

  const page = () => browser.page;
  const editor = () => page().locator('section.profile-editor');
  const tryBox = () => editor().getByRole('form', { name: 'Try it' });
  const profileOf = async (id: string) => hub.get<DeviceProfileView>(`/api/device-profiles/${id}`);
  /** A table row's cells as shown, once the row is there (a new try clears the old result first). */
  const cellsOf = async (row: Locator): Promise<string[]> => {
    await eventually(row).toHaveCount(1);
    return (await row.locator('th, td').allInnerTexts()).map((text) => text.trim());
  };

  it('points out a mapping that does not build next to the field, then creates the profile', async () => {
    await page().getByRole('button', { name: 'New profile…' }).click();
    const form = editor().getByRole('form', { name: 'New device profile' });
    await form.locator('input[name="id"]').fill('acme-rtu');
    await form.locator('input[name="name"]').fill('ACME 4G RTU');
    await form.locator('input[name="description"]').fill('Pressure in 0.1 kPa, flow in L/s');
    await eventually(form.locator('select[name="domain"]')).toHaveValue('water');
    await form.locator('textarea[name="mapping"]').fill(JSON.stringify({ metrics: { pressure_kpa: { expr: 'P1 +' } } }));
    await form.getByRole('button', { name: 'Create profile' }).click();
    // The same mistake sent to the API directly: the form shows exactly the hub's problem, by its field.
    const refused = await hub.request<{ issues: Array<{ field: string; problem: string }> }>('POST', '/api/device-profiles', {
      id: 'acme-rtu',
      name: 'x',
      domain: 'water',
      decoder: { kind: 'mapping', metrics: { pressure_kpa: { expr: 'P1 +' } } },
    });
    expect(refused.body.issues).toEqual([{ field: 'decoder.metrics.pressure_kpa.expr', problem: expect.stringMatching(/^JSONata S\d{4} at position \d+: /) }]);
    await eventually(form.locator('[data-field-error="decoder"]')).toHaveText(`metrics.pressure_kpa.expr: ${refused.body.issues[0].problem}`);
    expect((await profileOf('acme-rtu')).status).toBe(404);

    await form.locator('textarea[name="mapping"]').fill(JSON.stringify(MAPPING, null, 2));
    await form.getByRole('button', { name: 'Add sample' }).click();
    await form.getByLabel('Sample 1 name').fill('normal');
    await form.getByLabel('Sample 1 payload').fill(JSON.stringify({ P1: 4125, F: 2.5, T: eventSeconds, N: 17 }));
    await form.getByRole('button', { name: 'Create profile' }).click();

    const row = page().locator('tr[data-profile="acme-rtu"]');
    expect(await cellsOf(row)).toEqual(['acme-rtu ACME 4G RTU', 'water', 'mapping', '0', '0', '0', '—', 'Edit…']);
    await eventually(editor()).toHaveAttribute('data-editing', 'acme-rtu');
    const saved = await profileOf('acme-rtu');
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({
      id: 'acme-rtu',
      name: 'ACME 4G RTU',
      description: 'Pressure in 0.1 kPa, flow in L/s',
      domain: 'water',
      decoder: { kind: 'mapping', ...MAPPING },
      networkServerObject: false,
      samples: [{ name: 'normal', payload: JSON.stringify({ P1: 4125, F: 2.5, T: eventSeconds, N: 17 }), encoding: 'text' }],
      version: 1,
      createdBy: 'prof.admin',
      devices: 0,
    });
  });

  it('tries the saved sample through the saved profile and shows the exact readings, then an out-of-range one', async () => {
    await tryBox().locator('select[name="sample"]').selectOption({ label: 'normal' });
    await eventually(tryBox().locator('select[name="tryEncoding"]')).toHaveValue('text');
    await tryBox().getByRole('button', { name: 'Try it' }).click();
    const result = tryBox().locator('.try-result');
    await eventually(result).toHaveAttribute('data-against', 'saved');
    // 4125 × 0.1 kPa; 2.5 L/s = 9 m³/h.
    expect(await cellsOf(result.locator('tr[data-kind="decoded"]'))).toEqual(['decoded', '0', eventIso, '17', 'pressure_kpa = 412.5, flow_m3h = 9']);
    expect(await cellsOf(result.locator('tr[data-kind="accepted"]'))).toEqual(['accepted', '0', eventIso, '17', 'pressure_kpa = 412.5, flow_m3h = 9']);
    await eventually(result.locator('tr[data-kind="rejected"]')).toHaveCount(0);
    await eventually(result.locator('.try-refused')).toHaveCount(0);

    // 30000 × 0.1 kPa is outside the catalogue's 0…2500 kPa: decoded, but the contract refuses it.
    await tryBox().locator('textarea[name="tryPayload"]').fill(JSON.stringify({ P1: 30000, F: 1, T: eventSeconds, N: 18 }));
    await tryBox().getByRole('button', { name: 'Try it' }).click();
    expect(await cellsOf(result.locator('tr[data-kind="decoded"]'))).toEqual(['decoded', '0', eventIso, '18', 'pressure_kpa = 3000, flow_m3h = 3.6']);
    expect(await cellsOf(result.locator('tr[data-kind="rejected"]'))).toEqual(['rejected', '0', '—', '—', 'VALUE_OUT_OF_RANGE: pressure_kpa 3000 kPa is outside [0, 2500]']);
    await eventually(result.locator('tr[data-kind="accepted"]')).toHaveCount(0);
    // Trying stored nothing and cost the saved profile's counters nothing either (only ingest counts).
    expect((await profileOf('acme-rtu')).body).toMatchObject({ version: 1, decoderStats: { decoded: 0, refused: 0, meanMicros: null } });
  });

  it('runs a changed, unsaved decoder as a draft: a codec that throws is DECODER_ERROR with its message', async () => {
    const form = editor().getByRole('form', { name: 'Profile acme-rtu' });
    await form.locator('select[name="kind"]').selectOption('script');
    await form.locator('textarea[name="source"]').fill("function decodeUplink(input) { throw new RangeError('frame type ' + input.bytes[0] + ' unknown'); }");
    await tryBox().locator('select[name="sample"]').selectOption({ label: 'typed below' });
    await tryBox().locator('textarea[name="tryPayload"]').fill('09ff');
    await tryBox().locator('select[name="tryEncoding"]').selectOption('hex');
    await tryBox().locator('input[name="tryFPort"]').fill('2');
    await tryBox().getByRole('button', { name: 'Try it' }).click();
    const result = tryBox().locator('.try-result');
    await eventually(result).toHaveAttribute('data-against', 'draft');
    await eventually(result.locator('.try-refused')).toHaveText('DECODER_ERROR RangeError: frame type 9 unknown');
    await eventually(result.locator('.try-refused')).toHaveAttribute('data-reason', 'DECODER_ERROR');
    await eventually(result.locator('tbody tr')).toHaveCount(0);
    // The draft was only tried: the stored profile is still version 1's mapping.
    expect((await profileOf('acme-rtu')).body).toMatchObject({ version: 1, decoder: { kind: 'mapping', ...MAPPING } });
    await editor().getByRole('button', { name: 'Close' }).click();
    await eventually(editor()).toHaveCount(0);
  });

  it('gives the profile and a DevEUI to a device on its page, refusing a malformed DevEUI next to the field', async () => {
    await browser.open('/devices/w-rtu-1');
    const form = page().getByRole('form', { name: 'Device payload format' });
    await form.locator('select[name="profileId"]').selectOption('acme-rtu');
    await form.locator('input[name="devEui"]').fill('70-B3-D5-7E-D0-00-00-0');
    await form.getByRole('button', { name: 'Save payload format' }).click();
    await eventually(form.locator('[data-field-error="devEui"]')).toHaveText('must be a DevEUI of 16 hex digits (separators - and : allowed), got "70-B3-D5-7E-D0-00-00-0"');
    expect((await hub.get<DeviceView>('/api/devices/w-rtu-1')).body).toMatchObject({ profileId: null, devEui: null });

    await form.locator('input[name="devEui"]').fill('70-B3-D5-7E-D0-00-00-01');
    await form.getByRole('button', { name: 'Save payload format' }).click();
    await eventually(page().locator('dd[data-device-profile]')).toHaveText('acme-rtu');
    await eventually(page().locator('dd[data-dev-eui]')).toHaveText('70b3d57ed0000001');
    expect((await hub.get<DeviceView>('/api/devices/w-rtu-1')).body).toMatchObject({ profileId: 'acme-rtu', devEui: '70b3d57ed0000001' });
  });

  it('counts what the profile decoded for the device, and shows why a profile in use cannot be deleted', async () => {
    // The device now speaks its vendor's JSON: decoded by the profile, stored with the converted values.
    const posted = await postReadings(hub, { domain: 'water', deviceId: 'w-rtu-1', secret, body: { P1: 4125, F: 2.5, T: eventSeconds, N: 17 } });
    expect(posted.status).toBe(200);
    const stored = await waitFor(() => storedReadings(influxd, DATABASE, 'w-rtu-', ['water']), (readings) => readings.size === 1, 10_000, 'the decoded reading');
    expect([...stored.values()]).toEqual([{ pressure_kpa: 412.5, flow_m3h: 9 }]);

    await browser.open('/admin/device-profiles');
    const row = page().locator('tr[data-profile="acme-rtu"]');
    await eventually(row.locator('td[data-cell="devices"]')).toHaveText('1');
    await eventually(row.locator('td[data-cell="decoded"]')).toHaveText('1');
    await eventually(row.locator('td[data-cell="refused"]')).toHaveText('0');
    await eventually(row.locator('td[data-cell="mean"]')).toHaveText(/^\d+(\.\d)? µs$/);
    await row.getByRole('button', { name: 'Edit acme-rtu' }).click();
    await editor().getByRole('button', { name: 'Delete profile' }).click();
    await eventually(editor().getByRole('alert')).toHaveText(
      'The hub refused the request (409). Cannot delete device profile acme-rtu: 1 devices use it (w-rtu-1); give them another profile first (PATCH their profileId)',
    );
    expect((await profileOf('acme-rtu')).status).toBe(200);
    await browser.screenshot('device-profiles-admin');
    // The refused requests (400s, the 409) are logged by Chromium as console errors; nothing else went wrong.
    expect(browser.errors.filter((message) => !/status of (400|409)/.test(message))).toEqual([]);
  });
});
