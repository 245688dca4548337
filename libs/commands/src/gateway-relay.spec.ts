import { RecordingLogger } from '@hub/common/testing';
import { ADMIN, RegistryFixture } from '@hub/devices/testing';
import type { CommandTransport } from './command-ports';
import { CommandRepository } from './command.repository';
import { DeviceCommandsService } from './device-commands.service';
import { DeviceConfigRepository } from './device-config.repository';
import { DeviceConfigService } from './device-config.service';
import { commandCarriers } from './device-target';
import { DeviceMessageRouter } from './device-message.router';

const CHILD_COMMANDS = 'sensors/water/m-1/commands';

/** A broker stand-in: connections and subscriptions per client id are set by the test; publishes are recorded. */
class RecordingTransport implements CommandTransport {
  readonly connections = new Map<string, object>();
  readonly subscriptions = new Map<string, Set<string>>();
  readonly published: Array<{ topic: string; payload: string; retain: boolean }> = [];

  connect(clientId: string, ...topics: string[]): void {
    this.connections.set(clientId, {});
    this.subscriptions.set(clientId, new Set(topics));
  }

  isSubscribed(clientId: string, topic: string): boolean {
    return this.connections.has(clientId) && (this.subscriptions.get(clientId)?.has(topic) ?? false);
  }

  connectionOf(clientId: string): object | undefined {
    return this.connections.get(clientId);
  }

  publish(topic: string, payload: string, _qos: 0 | 1, retain: boolean): Promise<void> {
    this.published.push({ topic, payload, retain });
    return Promise.resolve();
  }
}

describe('commands relayed by a gateway', () => {
  let fixture: RegistryFixture;
  let transport: RecordingTransport;
  let commands: DeviceCommandsService;
  let router: DeviceMessageRouter;
  let config: DeviceConfigService;
  /** The router starts its work without waiting (the broker's callbacks are synchronous): let it finish. */
  const settled = () => new Promise((resolve) => setImmediate(resolve));
  const logger = new RecordingLogger();
  const payloadOf = (id: string) => Buffer.from(JSON.stringify({ id }));
  const commandIds = () => transport.published.filter(({ topic }) => topic.endsWith('/commands')).map(({ topic, payload }) => [topic, (JSON.parse(payload) as { id: string }).id]);

  beforeEach(async () => {
    fixture = await RegistryFixture.create();
    await fixture.registry.provision(ADMIN, { deviceId: 'dtu-1', domain: 'water', kind: 'gateway' });
    await fixture.registry.provision(ADMIN, { deviceId: 'dtu-2', domain: 'water', kind: 'gateway' });
    await fixture.registry.provision(ADMIN, { deviceId: 'm-1', domain: 'water', gatewayId: 'dtu-1' });
    await fixture.registry.provision(ADMIN, { deviceId: 'm-2', domain: 'water', gatewayId: 'dtu-2' });
    transport = new RecordingTransport();
    const deps = { store: fixture.store, devices: fixture.registry, transport, audit: fixture.audit, refuse: async () => undefined, logger, clock: () => fixture.time };
    commands = new DeviceCommandsService({ ...deps, commands: new CommandRepository(fixture.store) });
    config = new DeviceConfigService({ ...deps, configs: new DeviceConfigRepository(fixture.store) });
    router = new DeviceMessageRouter(fixture.registry, commands, config, logger);
  });

  afterEach(() => fixture.dispose());

  it('tries the device’s own connection first, then its gateway’s', async () => {
    expect(commandCarriers('m-1', fixture.registry.find('m-1'))).toEqual(['m-1', 'dtu-1']);
    expect(commandCarriers('dtu-1', fixture.registry.find('dtu-1'))).toEqual(['dtu-1']);
    expect(commandCarriers('ghost', undefined)).toEqual(['ghost']);
  });

  it('sends a child’s queued command on its own topic when the gateway’s session is ready, once per gateway connection', async () => {
    const queued = await commands.send(ADMIN, 'm-1', { name: 'set-interval', args: { seconds: 5 } });
    expect(queued.status).toBe('queued');
    transport.connect('dtu-1', CHILD_COMMANDS);
    router.clientReady('dtu-1');
    router.subscribed('dtu-1', [CHILD_COMMANDS]);
    await settled();
    expect(commandIds()).toEqual([[CHILD_COMMANDS, queued.id]]);
    expect((await commands.get(ADMIN, 'm-1', queued.id)).status).toBe('sent');

    // Not acknowledged; the gateway's next connection gets it again, the child's own id unchanged.
    transport.connect('dtu-1', CHILD_COMMANDS);
    router.clientReady('dtu-1');
    await settled();
    expect(commandIds()).toEqual([
      [CHILD_COMMANDS, queued.id],
      [CHILD_COMMANDS, queued.id],
    ]);
  });

  it('counts the gateway’s PUBACK and its reply on the child’s reply topic for the child', async () => {
    transport.connect('dtu-1', CHILD_COMMANDS);
    const sent = await commands.send(ADMIN, 'm-1', { name: 'ping' });
    expect(sent.status).toBe('sent');
    router.acknowledged('dtu-1', CHILD_COMMANDS, payloadOf(sent.id));
    await settled();
    expect((await commands.get(ADMIN, 'm-1', sent.id)).status).toBe('delivered');
    await router.received('dtu-1', 'sensors/water/m-1/commands/reply', Buffer.from(JSON.stringify({ id: sent.id, ok: true, result: { pong: 1 } })));
    expect(await commands.get(ADMIN, 'm-1', sent.id)).toMatchObject({ deviceId: 'm-1', status: 'succeeded', result: { pong: 1 } });
    expect([...commands.statusCounts]).toEqual([
      ['queued', 1],
      ['sent', 1],
      ['delivered', 1],
      ['succeeded', 1],
    ]);
  });

  it('does not count another gateway’s PUBACK of a child’s command, nor send through a gateway that is not subscribed', async () => {
    transport.connect('dtu-2', CHILD_COMMANDS);
    const queued = await commands.send(ADMIN, 'm-1', { name: 'ping' });
    router.clientReady('dtu-2');
    await settled();
    expect([queued.status, commandIds()]).toEqual(['queued', []]);
    transport.connect('dtu-1', CHILD_COMMANDS);
    router.subscribed('dtu-1', [CHILD_COMMANDS]);
    router.acknowledged('dtu-2', CHILD_COMMANDS, payloadOf(queued.id));
    await settled();
    expect((await commands.get(ADMIN, 'm-1', queued.id)).status).toBe('sent');
  });

  it('publishes a child’s desired configuration retained on the child’s config topic when its gateway is ready', async () => {
    fixture.db.prepare("INSERT INTO device_config (device_id, domain, desired, desired_at, desired_by) VALUES ('m-1', 'water', '{\"intervalS\":30}', 1, 'otto')").run();
    // As at start: the service learns which devices have a desired configuration.
    await config.load();
    transport.connect('dtu-1', 'sensors/water/m-1/config');
    router.clientReady('dtu-1');
    await settled();
    expect(transport.published).toEqual([{ topic: 'sensors/water/m-1/config', payload: '{"intervalS":30}', retain: true }]);
  });
});
