import { IClientOptions, MqttClient } from 'mqtt';
import type { DeadLetter } from '@hub/pipeline';
import { HubProcess } from '../harness/hub-process';
import { InfluxdProcess } from '../harness/influxd-process';
import { deviceLogin, subscriberLogin } from '../harness/provision';
import { waitFor } from '../harness/wait-for';
import { OpenMqttClients } from '../harness/open-mqtt-clients';

/**
 * Last-will messages go through the same topic ACL as any publish: a device that drops off without DISCONNECT has
 * its will published on its own status topic, and a will naming another device's topic is refused and dead-lettered.
 */
describe('MQTT last will (real service, real MQTT, real influxd)', () => {
  let influxd: InfluxdProcess;
  let hub: HubProcess;
  const open = new OpenMqttClients();

  beforeAll(async () => {
    influxd = await InfluxdProcess.start();
    hub = await HubProcess.start({ INFLUX_URL: influxd.url, INFLUX_DATABASE: 'mqtt_will', HUB_WRITE_FLUSH_INTERVAL: '50ms', HUB_ALERT_DEFAULT_RULES: 'off' });
  });

  afterAll(async () => {
    await open.closeAll();
    await hub?.cleanup();
    await influxd?.cleanup();
  });

  const connect = (options: IClientOptions): Promise<MqttClient> => open.connect(hub.mqttUrl, options);

  it("publishes a dropped device's will on its own status topic, and refuses a will on another device's topic", async () => {
    const watcher = await connect(await subscriberLogin(hub, 'willwatch'));
    const received: string[] = [];
    watcher.on('message', (topic, payload) => received.push(`${topic} ${payload.toString()}`));
    await watcher.subscribeAsync('sensors/water/+/status', { qos: 1 });

    const own = await connect({ ...(await deviceLogin(hub, 'will-own', 'water')), will: { topic: 'sensors/water/will-own/status', payload: Buffer.from('offline'), qos: 1, retain: false } });
    const other = await connect({ ...(await deviceLogin(hub, 'will-other', 'water')), will: { topic: 'sensors/water/will-own/status', payload: Buffer.from('offline'), qos: 1, retain: false } });
    // Dropped without DISCONNECT: the broker publishes the will.
    own.stream.destroy();
    other.stream.destroy();

    const letters = await waitFor(
      async () => (await hub.get<{ items: DeadLetter[] }>('/api/dead-letters?device=will-other&reason=TOPIC_FORBIDDEN')).body.items,
      (items) => items.length > 0,
      10_000,
      'the refused will as a dead letter',
    );
    expect(letters.map((letter) => [letter.topic, letter.payload])).toEqual([['sensors/water/will-own/status', 'offline']]);
    await waitFor(async () => received.length, (count) => count > 0, 10_000, 'the will of will-own');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(received).toEqual(['sensors/water/will-own/status offline']);
    const ownLetters = (await hub.get<{ items: DeadLetter[] }>('/api/dead-letters?device=will-own')).body.items;
    expect(ownLetters).toEqual([]);
  });
});
