import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { makeCertificateChain, makeSelfSignedCertificate, TestCertificate } from '../harness/test-certificates';
import { HubProcess } from '../harness/hub-process';
import { InfluxdProcess } from '../harness/influxd-process';
import { connectDevice, metricValue, rawConnect, refusedLogin } from '../harness/mqtt-perimeter';
import { storedReadings } from '../harness/stored-readings';
import { waitFor } from '../harness/wait-for';
import { OpenMqttClients } from '../harness/open-mqtt-clients';

/**
 * TLS end to end with certificates made here by openssl, as docs/operations.md (TLS) tells an operator: MQTT over TLS, MQTT over
 * secure WebSocket and HTTPS for the API, each checked by a client that trusts only the given CA.
 */
const DATABASE = 'mqtt_tls';

describe('TLS (real service, real MQTT over TLS, real influxd)', () => {
  let dir: string;
  let influxd: InfluxdProcess;
  const open = new OpenMqttClients();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hub-tls-'));
    influxd = await InfluxdProcess.start();
  });

  afterAll(async () => {
    await open.closeAll();
    await influxd?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  const keep = (client: MqttClient): MqttClient => open.keep(client);

  describe('with a self-signed certificate and plaintext MQTT turned off', () => {
    let certificate: TestCertificate;
    let hub: HubProcess;

    beforeAll(async () => {
      certificate = makeSelfSignedCertificate(dir);
      hub = await HubProcess.start({ INFLUX_URL: influxd.url, INFLUX_DATABASE: DATABASE, HUB_WRITE_FLUSH_INTERVAL: '20ms', HUB_MQTT_PORT: 'off' }, { tls: certificate });
    });

    afterAll(() => hub?.cleanup());

    const metrics = async () => (await hub.get<string>('/metrics')).body;

    it('takes telemetry over MQTT over TLS and over secure WebSocket, and answers the API over HTTPS', async () => {
      const device = keep(await connectDevice(hub, hub.mqttsUrl, 'tls-w-1', 'water', { ca: certificate.trusted }));
      const ts = Date.now() - 10_000;
      await device.publishAsync('sensors/water/tls-w-1/telemetry', JSON.stringify({ ts, metrics: { pressure_kpa: 411.5 } }), { qos: 1 });
      await device.publishAsync('sensors/water/tls-w-1/telemetry', JSON.stringify({ ts: ts + 1000, metrics: { pressure_kpa: 412.5 } }), { qos: 1 });
      const overWs = keep(await connectDevice(hub, hub.wsUrl, 'tls-w-2', 'water', { ca: certificate.trusted }));
      await overWs.publishAsync('sensors/water/tls-w-2/telemetry', JSON.stringify({ ts, metrics: { pressure_kpa: 300 } }), { qos: 1 });

      const stored = await waitFor(() => storedReadings(influxd, DATABASE, 'tls-'), (readings) => readings.size === 3, 10_000, 'three readings in InfluxDB');
      expect(Object.fromEntries(stored)).toEqual({
        [`tls-w-1@${ts}`]: { pressure_kpa: 411.5 },
        [`tls-w-1@${ts + 1000}`]: { pressure_kpa: 412.5 },
        [`tls-w-2@${ts}`]: { pressure_kpa: 300 },
      });
      expect(hub.httpUrl).toMatch(/^https:/);
      const health = await hub.get<{ broker: Record<string, unknown> }>('/api/health');
      expect(health.status).toBe(200);
      expect(health.body.broker).toMatchObject({ ok: true, mqttPort: null, mqttsPort: hub.ports.mqttsPort, wsPort: hub.ports.wsPort });
      const device1 = await hub.get<{ deviceId: string; online: boolean }>('/api/devices/tls-w-1');
      expect([device1.status, device1.body.deviceId, device1.body.online]).toEqual([200, 'tls-w-1', true]);
    });

    it('has no plaintext MQTT or HTTP, and refuses clients that do not trust its certificate', async () => {
      expect(await refusedLogin(connectDevice(hub, hub.mqttUrl, 'plain-1', 'water'))).toBe('ECONNREFUSED');
      expect(await refusedLogin(connectDevice(hub, hub.mqttsUrl, 'untrusting-1', 'water'))).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
      await expect(fetch(`http://127.0.0.1:${hub.ports.httpPort}/api/health`)).rejects.toThrow();

      const failuresBefore = metricValue(await metrics(), 'hub_mqtt_tls_handshake_failures_total');
      // Plaintext MQTT spoken to the TLS port: closed without a CONNACK; the failed handshake is counted. (A raw
      // CONNECT: MQTT.js never settles connectAsync when the socket closes without an answer.)
      expect(await rawConnect(hub.ports.mqttsPort as number, 'plain-2')).toBe('closed');
      await waitFor(async () => metricValue(await metrics(), 'hub_mqtt_tls_handshake_failures_total') - failuresBefore, (failures) => failures === 1, 5000, 'the failed handshake counted');
    });
  });

  it('sends the intermediate CA (HUB_TLS_CA_FILE), so clients that trust only the root connect', async () => {
    const chain = makeCertificateChain(dir);
    const hub = await HubProcess.start({ INFLUX_URL: influxd.url, INFLUX_DATABASE: DATABASE }, { tls: chain });
    try {
      const device = keep(await connectDevice(hub, hub.mqttsUrl, 'chain-w-1', 'water', { ca: chain.trusted }));
      await device.publishAsync('sensors/water/chain-w-1/telemetry', JSON.stringify({ metrics: { pressure_kpa: 400 } }), { qos: 1 });
      expect((await hub.get('/api/health')).status).toBe(200);
      // Plaintext MQTT stays on beside TLS unless turned off.
      expect(await refusedLogin(connectDevice(hub, hub.mqttUrl, 'chain-plain-1', 'water'))).toBe('accepted');
    } finally {
      await hub.cleanup();
    }
  });

  it('stops at boot (exit 78) naming the file when the key does not belong to the certificate, never showing the key', async () => {
    const one = makeSelfSignedCertificate(dir, 'one');
    const other = makeSelfSignedCertificate(dir, 'other');
    const error = (await HubProcess.start({ HUB_TLS_CERT_FILE: one.certFile, HUB_TLS_KEY_FILE: other.keyFile }).catch((caught: Error) => caught)) as Error;
    expect(error.message).toContain('hub exited with code 78 before it was ready');
    expect(error.message).toContain(`Invalid environment variable HUB_TLS_KEY_FILE=${JSON.stringify(other.keyFile)}: the private key of the certificate in ${one.certFile}`);
    const keyBody = readFileSync(other.keyFile, 'utf8').split('\n')[1];
    expect(error.message).not.toContain(keyBody);
  });
});
