import { connectAsync, MqttClient } from 'mqtt';
import postgres from 'postgres';
import type { Domain } from '@hub/contract';
import type { DeviceView } from '@hub/devices';
import { createRule } from '../harness/alerts-api';
import { HubProcess } from '../harness/hub-process';
import { InfluxdProcess } from '../harness/influxd-process';
import { createOperator, login } from '../harness/operators';
import { PostgresProcess } from '../harness/postgres-process';
import { deviceLogin } from '../harness/provision';
import { RedisProcess } from '../harness/redis-process';
import { SseReader } from '../harness/sse-reader';
import { waitFor } from '../harness/wait-for';

const PASSWORD = 'correct horse battery staple';
const FLEET = [
  // Raises the alert (pressure below 200) through node b.
  { deviceId: 'ash-w-1', town: 'Ashford', pressure: 150 },
  { deviceId: 'brk-w-1', town: 'Brookfield', pressure: 300 },
  // Moves to node a while its connection to b is still open (b dies before noticing).
  { deviceId: 'ash-w-2', town: 'Ashford', pressure: 310 },
] as const;
const DOMAIN: Domain = 'water';

/** "device new ash-w-1 online", "alert fired ash-w-1": what a stream carried, in order. */
class StreamLog {
  readonly entries: string[] = [];
  private readonly controller = new AbortController();
  private done: Promise<void> = Promise.resolve();

  static async open(hub: HubProcess, headers: Record<string, string>): Promise<StreamLog> {
    const log = new StreamLog();
    const response = await fetch(`${hub.httpUrl}/api/events`, { headers: { accept: 'text/event-stream', ...headers }, signal: log.controller.signal });
    expect(response.status).toBe(200);
    const events = new SseReader(response.body!.getReader());
    expect((await events.next())?.type).toBe('hello');
    log.done = (async () => {
      for (;;) {
        const event = await events.next(60_000).catch(() => undefined);
        if (event === undefined) return;
        const data = event.data as { change?: string; device?: { deviceId: string; online: boolean }; event?: { kind: string }; alert?: { deviceId: string } };
        if (event.type === 'device') log.entries.push(`device ${data.change} ${data.device!.deviceId} ${data.device!.online ? 'online' : 'offline'}`);
        else if (event.type === 'alert') log.entries.push(`alert ${data.event!.kind} ${data.alert!.deviceId}`);
      }
    })();
    return log;
  }

  async close(): Promise<void> {
    this.controller.abort();
    await this.done;
  }
}

/**
 * Two hub nodes (real dist/ processes) on one PostgreSQL database and one redis-server: node a's live stream shows
 * devices connecting to node b and the alert one of them raises, each once, scoped as on one node; b killed with
 * kill -9 sets its devices offline on a (and in the database) once after the silence, except the one that moved to a.
 */
describe('live events and device presence across two nodes (real PostgreSQL, redis-server, influxd)', () => {
  let pg: PostgresProcess;
  let redis: RedisProcess;
  let influxd: InfluxdProcess;
  let sql: postgres.Sql;
  let a: HubProcess;
  let b: HubProcess;
  const clients: MqttClient[] = [];

  beforeAll(async () => {
    [pg, redis, influxd] = await Promise.all([PostgresProcess.start(), RedisProcess.start(), InfluxdProcess.start()]);
    const database = await pg.createDatabase();
    sql = postgres(database.url, { max: 1, onnotice: () => undefined });
    // One database, one Redis: a node of a cluster each. HUB_DATABASE_URL given, HubProcess makes no database of its own.
    const env = { HUB_DATABASE_URL: database.url, HUB_REDIS_URL: redis.url, INFLUX_URL: influxd.url, INFLUX_DATABASE: 'cluster_live', HUB_WRITE_FLUSH_INTERVAL: '20ms', HUB_ALERT_DEFAULT_RULES: 'off' };
    a = await HubProcess.start({ ...env, HUB_NODE_ID: 'node-a' });
    await createRule(a, { id: 'water-low', name: 'Pressure low', severity: 'warning', selector: { domain: 'water', metric: 'pressure_kpa' }, evaluateEvery: '1s', condition: { type: 'threshold', operator: 'below', value: 200, for: '0s' } });
    for (const { deviceId, town } of FLEET) await deviceLogin(a, deviceId, DOMAIN, { town, site: `${town} depot` });
    await createOperator(a, { username: 'ashford.ops', password: PASSWORD, role: 'viewer', towns: ['Ashford'] });
    // Started after the devices exist: the registry is read at start (sharing its changes live is another part of the work).
    b = await HubProcess.start({ ...env, HUB_NODE_ID: 'node-b' });
  }, 60_000);

  afterAll(async () => {
    for (const client of clients) client.end(true);
    await sql?.end();
    await Promise.all([a?.cleanup(), b?.cleanup()]);
    await Promise.all([redis?.cleanup(), influxd?.cleanup(), pg?.cleanup()]);
  });

  const connect = async (hub: HubProcess, deviceId: string): Promise<MqttClient> => {
    const client = await connectAsync(hub.mqttUrl, { ...(await deviceLogin(a, deviceId, DOMAIN)), reconnectPeriod: 0, clean: true });
    clients.push(client);
    return client;
  };
  const deviceOnA = async (deviceId: string): Promise<DeviceView> => {
    const answer = await a.get<DeviceView>(`/api/devices/${deviceId}`);
    expect(answer.status).toBe(200);
    return answer.body;
  };

  it('shows on a what happens on b, once, in scope; b killed → its devices offline on a once, except the one that moved to a', async () => {
    const county = await StreamLog.open(a, a.adminHeaders);
    const ashford = await StreamLog.open(a, (await login(a, 'ashford.ops', PASSWORD)).headers);
    try {
      for (const { deviceId, pressure } of FLEET) {
        const client = await connect(b, deviceId);
        await client.publishAsync(`sensors/${DOMAIN}/${deviceId}/telemetry`, JSON.stringify({ metrics: { pressure_kpa: pressure } }), { qos: 1 });
        await waitFor(() => deviceOnA(deviceId), (device) => device.online === true, 10_000, `${deviceId} online on a`);
        if (deviceId === 'ash-w-1') await waitFor(async () => county.entries, (entries) => entries.includes('alert fired ash-w-1'), 15_000, 'the alert raised by ash-w-1 on a’s stream');
      }
      // The values b received reach a with b's heartbeats (every 2 s).
      const values = await waitFor(() => deviceOnA('ash-w-1'), (device) => device.lastValues.pressure_kpa !== undefined, 10_000, 'ash-w-1’s values on a');
      expect(values.lastValues).toEqual({ pressure_kpa: 150 });
      // ash-w-2 connects to a; b still holds its old connection (and never says it ended: b dies).
      const moved = await connect(a, 'ash-w-2');
      await moved.publishAsync(`sensors/${DOMAIN}/ash-w-2/telemetry`, JSON.stringify({ metrics: { pressure_kpa: 305 } }), { qos: 1 });
      // b writes its devices' rows every 2 s: they say online before b dies.
      await waitFor(async () => (await sql<Array<{ online: number }>>`SELECT online FROM devices WHERE device_id IN ('ash-w-1', 'brk-w-1') AND online = 1`).length, (count) => count === 2, 10_000, 'b’s rows written');

      await b.kill();
      const killedAt = Date.now();
      await waitFor(async () => (await deviceOnA('ash-w-1')).online, (online) => online === false, 20_000, 'ash-w-1 offline on a after b’s death');
      const offlineAfterMs = Date.now() - killedAt;
      console.log(`node b killed: its devices offline on node a after ${offlineAfterMs} ms (silence 10 s, heartbeats every 2 s, checked every second)`);
      // Silent for more than 10 s since b's last heartbeat, which was at most 2 s before the kill.
      expect(offlineAfterMs).toBeGreaterThanOrEqual(7500);
      expect(offlineAfterMs).toBeLessThan(15_000);
      expect([(await deviceOnA('brk-w-1')).online, (await deviceOnA('ash-w-2')).online]).toEqual([false, true]);
      // Two more polls of the stream: a second "offline" would show by then.
      await new Promise((resolve) => setTimeout(resolve, 2500));
      const rows = await sql<Array<{ device_id: string; online: number }>>`SELECT device_id, online FROM devices ORDER BY device_id`;
      expect(rows.map((row) => `${row.device_id} ${row.online}`)).toEqual(['ash-w-1 0', 'ash-w-2 1', 'brk-w-1 0']);
    } finally {
      await county.close();
      await ashford.close();
    }
    expect(county.entries).toEqual([
      'device new ash-w-1 online',
      'alert fired ash-w-1',
      'device new brk-w-1 online',
      'device new ash-w-2 online',
      'device offline ash-w-1 offline',
      'device offline brk-w-1 offline',
    ]);
    expect(ashford.entries).toEqual(county.entries.filter((entry) => / ash-w-\d/.test(entry)));
  }, 60_000);
});
