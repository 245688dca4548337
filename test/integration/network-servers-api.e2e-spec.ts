import { HubProcess } from '../harness/hub-process';
import { InfluxdProcess } from '../harness/influxd-process';
import { MosquittoProcess } from '../harness/mosquitto-process';
import { bearer, createApiKey } from '../harness/operators';
import { waitFor } from '../harness/wait-for';

interface NetworkServer {
  name: string;
  url: string;
  username: string | null;
  passwordSet: boolean;
  applicationIds: string[];
  subscriptions: string[];
  clientId: string;
  enabled: boolean;
  createdBy: string;
  status: { state: string; connected: boolean; sessionPresent: boolean | null; lastError: { message: string } | null };
}

interface AuditEntry {
  actor: string;
  action: string;
  targetId: string | null;
  detail: Record<string, unknown>;
}

const PASSWORD = 'ns-password-do-not-leak';

/**
 * The network server admin API against the real service and a real mosquitto as the ChirpStack broker: field
 * errors, the password never shown or audited, changes in force without a restart, connections back after one.
 */
describe('/api/network-servers (real service, real mosquitto)', () => {
  let influxd: InfluxdProcess;
  let mosquitto: MosquittoProcess;
  let hub: HubProcess;

  beforeAll(async () => {
    influxd = await InfluxdProcess.start();
    mosquitto = await MosquittoProcess.start({ users: { 'county-hub': PASSWORD } });
    hub = await HubProcess.start({ INFLUX_URL: influxd.url, INFLUX_DATABASE: 'network_servers', HUB_ALERT_DEFAULT_RULES: 'off' });
  });

  afterAll(async () => {
    await hub?.cleanup();
    await mosquitto?.cleanup();
    await influxd?.cleanup();
  });

  const audit = async (): Promise<AuditEntry[]> =>
    (await hub.get<{ items: AuditEntry[] }>('/api/audit?targetType=network-server')).body.items.map(({ actor, action, targetId, detail }) => ({ actor, action, targetId, detail })).reverse();

  const waitForState = (name: string, state: string) =>
    waitFor(async () => (await hub.get<NetworkServer>(`/api/network-servers/${name}`)).body, (server) => server.status?.state === state, 15_000, `${name} ${state}`);

  it('refuses a bad body with every problem named by its field', async () => {
    const answer = await hub.request<{ statusCode: number; issues: Array<{ field: string; problem: string }> }>('POST', '/api/network-servers', {
      name: 'North Server',
      kind: 'chirpstack-v3',
      url: 'http://user:secret@chirpstack:1883',
      password: '',
      tls: { ca: 'not a certificate' },
      applicationIds: ['ok', 'bad/id'],
      clientId: 'has space',
      enabled: 'yes',
      extra: 1,
    });
    expect(answer.status).toBe(400);
    expect(answer.body.issues).toEqual([
      { field: 'extra', problem: 'is not a known field; allowed: name, kind, url, username, password, tls, applicationIds, clientId, enabled', code: 'unknown-field', params: { allowed: 'name, kind, url, username, password, tls, applicationIds, clientId, enabled' } },
      { field: 'name', problem: 'must match lower-case letters, digits and -, 1–40 characters, e.g. chirpstack-north', code: 'pattern' },
      { field: 'kind', problem: 'must be one of chirpstack-v4, got "chirpstack-v3"', code: 'one-of', params: { allowed: 'chirpstack-v4', got: '"chirpstack-v3"' } },
      { field: 'url', problem: 'must start mqtt:// or mqtts://, not http://' },
      { field: 'password', problem: 'must be a non-empty string of at most 1024 characters, got ""', code: 'text', params: { maxLength: 1024, got: '""' } },
      { field: 'tls.ca', problem: 'must be PEM text holding at least one -----BEGIN CERTIFICATE----- block' },
      { field: 'applicationIds[1]', problem: 'must be an application id of letters, digits, _, . and - (1–64), e.g. a ChirpStack application UUID, got "bad/id"', code: 'list-item', params: { got: '"bad/id"' } },
      { field: 'clientId', problem: 'must match letters, digits, _, ., : and - (1–64)', code: 'pattern' },
      { field: 'enabled', problem: 'must be true or false, got "yes"', code: 'boolean', params: { got: '"yes"' } },
    ]);

    const credentialsInUrl = await hub.request<{ issues: unknown[] }>('POST', '/api/network-servers', { name: 'north', kind: 'chirpstack-v4', url: 'mqtt://hub:secret@broker:1883' });
    expect(credentialsInUrl.body.issues).toEqual([{ field: 'url', problem: 'must not hold credentials: send username and password as fields' }]);
    const tlsOnPlain = await hub.request<{ issues: unknown[] }>('POST', '/api/network-servers', { name: 'north', kind: 'chirpstack-v4', url: 'mqtt://broker', tls: { rejectUnauthorized: false } });
    expect(tlsOnPlain.body.issues).toEqual([{ field: 'tls', problem: 'applies only to an mqtts:// url: mqtt:// is plain TCP' }]);
    expect((await audit()).length).toBe(0);
  });

  it('creates, connects at once, never shows the password, audits without it, and refuses a duplicate', async () => {
    const created = await hub.request<NetworkServer>('POST', '/api/network-servers', {
      name: 'north',
      kind: 'chirpstack-v4',
      url: mosquitto.url,
      username: 'county-hub',
      password: PASSWORD,
      applicationIds: ['17c82e96-be03-4f38-aef3-f83d48582d97'],
    });
    expect(created.status).toBe(201);
    expect(JSON.stringify(created.body)).not.toContain(PASSWORD);
    expect(created.body).toMatchObject({
      name: 'north',
      url: mosquitto.url,
      username: 'county-hub',
      passwordSet: true,
      applicationIds: ['17c82e96-be03-4f38-aef3-f83d48582d97'],
      subscriptions: ['application/17c82e96-be03-4f38-aef3-f83d48582d97/device/+/event/+'],
      clientId: 'county-hub-north',
      enabled: true,
    });
    const connected = await waitForState('north', 'connected');
    expect(connected.status).toMatchObject({ connected: true, lastError: null });

    const duplicate = await hub.request<{ message: string }>('POST', '/api/network-servers', { name: 'north', kind: 'chirpstack-v4', url: mosquitto.url });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.message).toBe('A network server named "north" already exists (change it with PATCH /api/network-servers/north)');

    const list = await hub.get<NetworkServer[]>('/api/network-servers');
    expect(list.body.map((server) => server.name)).toEqual(['north']);
    expect(JSON.stringify(list.body)).not.toContain(PASSWORD);

    const entries = await audit();
    expect(JSON.stringify(entries)).not.toContain(PASSWORD);
    expect(entries).toEqual([
      {
        actor: 'bootstrap-key',
        action: 'network-server.create',
        targetId: 'north',
        detail: {
          name: 'north',
          kind: 'chirpstack-v4',
          url: mosquitto.url,
          username: 'county-hub',
          passwordSet: true,
          tls: { ca: null, rejectUnauthorized: true },
          applicationIds: ['17c82e96-be03-4f38-aef3-f83d48582d97'],
          clientId: 'county-hub-north',
          enabled: true,
        },
      },
    ]);
  });

  it('applies a change without a restart: a wrong password shows as the bridge’s error, the right one connects again', async () => {
    const wrong = await hub.request<NetworkServer>('PATCH', '/api/network-servers/north', { password: 'wrong-password' });
    expect(wrong.status).toBe(200);
    expect(wrong.body.passwordSet).toBe(true);
    const failing = await waitFor(async () => (await hub.get<NetworkServer>('/api/network-servers/north')).body, (server) => server.status.lastError?.message.startsWith('connecting:') === true, 15_000, 'a refused login');
    expect(failing.status.connected).toBe(false);

    const renamed = await hub.request<{ issues: unknown[] }>('PATCH', '/api/network-servers/north', { name: 'south', password: PASSWORD });
    expect(renamed.status).toBe(400);
    expect(renamed.body.issues).toEqual([{ field: 'name', problem: 'cannot change: delete the network server and create it again' }]);
    const nothing = await hub.request<{ issues: unknown[] }>('PATCH', '/api/network-servers/north', {});
    expect(nothing.body.issues).toEqual([{ field: '(body)', problem: 'changes nothing: send one of url, username, password, tls, applicationIds, clientId, enabled' }]);

    expect((await hub.request('PATCH', '/api/network-servers/north', { password: PASSWORD })).status).toBe(200);
    await waitForState('north', 'connected');
    const changes = (await audit()).filter((entry) => entry.action === 'network-server.update');
    expect(changes.map((entry) => entry.detail.passwordChanged)).toEqual([true, true]);
    expect(JSON.stringify(changes)).not.toContain('wrong-password');
  });

  it('starts the stored connections at boot', async () => {
    expect(await hub.stop()).toBe(0);
    await hub.launch();
    const server = await waitForState('north', 'connected');
    // The broker kept the session under the stable client id while the hub was down.
    expect(server.status.sessionPresent).toBe(true);
  });

  it('answers 404 for an unknown name, 400 for a bad one, 403 to an admin of one town, and deletes', async () => {
    expect((await hub.get('/api/network-servers/nowhere')).status).toBe(404);
    const badName = await hub.get<{ message: string }>('/api/network-servers/North');
    expect(badName.status).toBe(400);
    expect(badName.body.message).toBe('Invalid path parameter name="North": expected a network server name: lower-case letters, digits and -, 1–40 characters, e.g. chirpstack-north');
    const townAdmin = await createApiKey(hub, { name: 'ashford-admin', role: 'admin', towns: ['Ashford'] });
    const denied = await hub.request<{ message: string }>('GET', '/api/network-servers', undefined, bearer(townAdmin.key));
    expect(denied.status).toBe(403);
    expect(denied.body.message).toBe("Only an admin of the whole county may see the network servers: a network server carries every town's devices (key:ashford-admin has towns Ashford)");

    expect((await hub.request('DELETE', '/api/network-servers/north')).status).toBe(204);
    expect((await hub.get('/api/network-servers/north')).status).toBe(404);
    expect((await hub.get<NetworkServer[]>('/api/network-servers')).body).toEqual([]);
    expect((await audit()).map((entry) => entry.action)).toEqual(['network-server.create', 'network-server.update', 'network-server.update', 'network-server.delete']);
    // Logged nowhere either (the refused login of the wrong one included).
    expect(hub.output).toContain('Network server connection problem');
    expect(hub.output).not.toContain(PASSWORD);
    expect(hub.output).not.toContain('wrong-password');
  });
});
