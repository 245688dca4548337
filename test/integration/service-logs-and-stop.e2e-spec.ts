import { HubProcess } from '../harness/hub-process';
import { InfluxdProcess } from '../harness/influxd-process';
import { connackCode } from '../harness/mqtt-login';
import { OpenMqttClients } from '../harness/open-mqtt-clients';
import { deviceLogin } from '../harness/provision';
import { waitFor } from '../harness/wait-for';

/**
 * What the real service prints and how it ends: one readable line per entry (or one JSON object per line), no
 * route-by-route start-up chatter, and a SIGTERM that flushed everything exits 0 rather than 143.
 */
const DATABASE = 'service_logs';

describe('service logs and graceful stop (real service, real MQTT, real influxd)', () => {
  let influxd: InfluxdProcess;
  const open = new OpenMqttClients();
  const hubs: HubProcess[] = [];
  const startHub = async (env: Record<string, string>): Promise<HubProcess> => {
    const hub = await HubProcess.start({ INFLUX_URL: influxd.url, INFLUX_DATABASE: DATABASE, ...env });
    hubs.push(hub);
    return hub;
  };

  beforeAll(async () => {
    influxd = await InfluxdProcess.start();
  });

  afterEach(async () => {
    await open.closeAll();
  });

  afterAll(async () => {
    for (const hub of hubs) await hub.cleanup();
    await influxd?.cleanup();
  });

  it('writes a refused MQTT login as one WARN line with its fields, and nothing of the start-up detail', async () => {
    const hub = await startHub({});
    const login = await deviceLogin(hub, 'log-water-1', 'water');
    expect(await connackCode(hub.mqttUrl, { ...login, password: `${login.password}x` })).toBe(4);
    const output = await waitFor(async () => hub.output, (text) => text.includes('MQTT login refused'), 5_000, 'the refused login in the log');
    const line = output.split('\n').find((each) => each.includes('MQTT login refused'));
    expect(line).toMatch(
      /^\d\d:\d\d:\d\d WARN \[MqttPerimeter\] MQTT login refused address=127\.0\.0\.1 clientId=log-water-1 username=log-water-1 code=bad-username-or-password reason=wrong-secret detail="wrong secret for device log-water-1" refusedSinceLastReport=0$/,
    );
    expect(output).not.toContain('Object(');
    expect(output).not.toMatch(/RouterExplorer|RoutesResolver|InstanceLoader/);
  });

  it('writes JSON entries with the same fields, one per line, and keeps route mapping at debug', async () => {
    const hub = await startHub({ HUB_LOG_FORMAT: 'json', HUB_LOG_LEVEL: 'log' });
    const login = await deviceLogin(hub, 'log-json-1', 'water');
    expect(await connackCode(hub.mqttUrl, { ...login, password: `${login.password}x` })).toBe(4);
    await waitFor(async () => hub.output, (text) => text.includes('MQTT login refused'), 5_000, 'the refused login in the log');
    const records = hub.output
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records.find((record) => record.msg === 'MQTT login refused')).toMatchObject({
      level: 'warn',
      context: 'MqttPerimeter',
      address: '127.0.0.1',
      clientId: 'log-json-1',
      username: 'log-json-1',
      code: 'bad-username-or-password',
      refusedSinceLastReport: 0,
    });
    expect(records.filter((record) => record.context === 'RouterExplorer' || record.context === 'InstanceLoader')).toEqual([]);
    expect(records.some((record) => record.context === 'MqttBroker' && record.level === 'log')).toBe(true);
  });

  // Last: it stops the suite's InfluxDB.
  it('stops on SIGTERM with exit code 0 once a reading taken during an InfluxDB outage is spooled, and says so', async () => {
    const hub = await startHub({ HUB_LOG_LEVEL: 'log' });
    const client = await open.connect(hub.mqttUrl, await deviceLogin(hub, 'log-stop-1', 'water'));
    await influxd.stop();
    // The PUBACK comes once the reading is durable: here, in the outage spool.
    await client.publishAsync('sensors/water/log-stop-1/telemetry', JSON.stringify({ ts: Date.now(), metrics: { pressure_kpa: 301 } }), { qos: 1 });

    expect(await hub.stop()).toBe(0);
    expect(hub.exitSignal).toBeNull();
    const stopped = hub.output.split('\n').find((line) => line.includes('[HubLifecycle] Stopped'));
    expect(stopped).toMatch(/^\d\d:\d\d:\d\d LOG \[HubLifecycle\] Stopped received=1 accepted=1 rejected=0 .*written=0 .*buffered=0 spooled=1 /);
    expect(hub.output).toContain('LOG [HubLifecycle] Stopping (SIGTERM)');
  });
});
