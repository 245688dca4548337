import { readFile } from 'node:fs/promises';
import { connectAsync, type MqttClient } from 'mqtt';
import { readCsv } from '../harness/csv-reader';
import { HubProcess } from '../harness/hub-process';
import { InfluxdProcess } from '../harness/influxd-process';
import { createOperator } from '../harness/operators';
import { waitFor } from '../harness/wait-for';
import { ConsoleBrowser } from './console-browser';
import { eventually } from './web-assertions';

const PASSWORD = 'county water network duty';
const TOWN = '城关镇';

/**
 * The console's Download CSV buttons in Simplified Chinese, in a real Chromium against the real service: a water
 * meter in 城关镇 reports three readings and one refused message over MQTT; the device page, the alert inbox and the
 * refused messages each download their CSV, which the test reads back byte for byte (BOM, header, Chinese town).
 */
describe('operator console: Download CSV (real browser, service, influxd)', () => {
  let influxd: InfluxdProcess;
  let hub: HubProcess;
  let browser: ConsoleBrowser;
  let device: MqttClient;
  const sent = [Date.now() - 30 * 60_000, Date.now() - 20 * 60_000, Date.now() - 10 * 60_000];

  beforeAll(async () => {
    influxd = await InfluxdProcess.start();
    hub = await HubProcess.start({ INFLUX_URL: influxd.url, INFLUX_DATABASE: 'console_exports', HUB_WRITE_FLUSH_INTERVAL: '50ms', HUB_ALERT_DEFAULT_RULES: 'off', HUB_TIME_ZONE: 'Asia/Shanghai' });
    const created = await hub.request<{ secret: string }>('POST', '/api/devices', { deviceId: 'w-1', domain: 'water', town: TOWN });
    expect(created.status).toBe(201);
    device = await connectAsync(hub.mqttUrl, { clientId: 'w-1', username: 'w-1', password: created.body.secret, reconnectPeriod: 0 });
    await device.publishAsync('sensors/water/w-1/telemetry', JSON.stringify(sent.map((ts, index) => ({ ts, metrics: { pressure_kpa: 300 + index } }))), { qos: 1 });
    await device.publishAsync('sensors/water/w-1/telemetry', '{"metrics":{"pressure_kpa":"高"}}', { qos: 1 });
    await waitFor(() => hub.get<{ items: unknown[] }>('/api/dead-letters?device=w-1'), (answer) => answer.body.items.length === 1, 10_000, 'the refused message');
    await createOperator(hub, { username: 'zhao.lei', password: PASSWORD, role: 'viewer', towns: [TOWN] });
    browser = await ConsoleBrowser.launch(hub.httpUrl, { locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    await browser.open('/devices/w-1');
    await browser.signIn('zhao.lei', PASSWORD);
  });

  afterAll(async () => {
    await device?.endAsync(true);
    await browser?.close();
    await hub?.cleanup();
    await influxd?.cleanup();
  });

  /** Clicks the page's download button and answers the file's name and bytes. */
  async function download(selector: string): Promise<{ name: string; bytes: Buffer }> {
    const link = browser.page.locator(selector);
    await eventually(link).toHaveText('下载 CSV');
    const [file] = await Promise.all([browser.page.waitForEvent('download'), link.click()]);
    const path = await file.path();
    return { name: file.suggestedFilename(), bytes: await readFile(path) };
  }

  it('downloads the device’s readings over the chosen range, as stored, with the BOM and the Chinese town intact', async () => {
    await browser.open('/devices/w-1?range=24h');
    const { name, bytes } = await download('a[data-export="readings"]');
    expect(name).toMatch(/^readings-w-1-raw-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ\.csv$/);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const [header, ...rows] = readCsv(bytes.toString('utf8'));
    expect(header).toEqual(['time_utc', 'time_local', 'domain', 'device_id', 'town', 'village', 'site', 'metric', 'unit', 'value']);
    expect(rows.map((row) => [row[0], row[3], row[4], row[7], row[8], row[9]])).toEqual(sent.map((ts, index) => [new Date(ts).toISOString(), 'w-1', TOWN, 'pressure_kpa', 'kPa', String(300 + index)]));
    expect(await browser.page.locator('a[data-export="readings"]').getAttribute('title')).toBe('最近 1 天的全部原始读数，保存为表格文件（CSV）');
    await browser.screenshot('zh-device-download');
  });

  it('downloads the alert list as filtered, and the refused messages of the device', async () => {
    await browser.open(`/alerts?state=resolved&town=${encodeURIComponent(TOWN)}`);
    expect(await browser.page.locator('a[data-export="alerts"]').getAttribute('href')).toBe(`/api/exports/alerts.csv?state=resolved&town=${encodeURIComponent(TOWN)}`);
    const alerts = await download('a[data-export="alerts"]');
    expect(readCsv(alerts.bytes.toString('utf8'))).toHaveLength(1);

    await browser.open('/dead-letters?device=w-1');
    const refused = await download('a[data-export="dead-letters"]');
    const [header, ...rows] = readCsv(refused.bytes.toString('utf8'));
    expect(rows.map((row) => Object.fromEntries(header.map((name, index) => [name, row[index]])))).toEqual([
      expect.objectContaining({ reason: 'VALUE_NOT_NUMBER', device_id: 'w-1', town: TOWN, payload: '{"metrics":{"pressure_kpa":"高"}}' }),
    ]);
    const audit = await hub.get<{ items: Array<{ actor: string; action: string }> }>('/api/audit?actor=zhao.lei');
    expect(audit.body.items.filter((entry) => entry.action.startsWith('export.')).map((entry) => entry.action)).toEqual(['export.dead-letters', 'export.alerts', 'export.readings']);
    expect(browser.errors).toEqual([]);
    await browser.screenshot('zh-dead-letters-download');
  });
});
