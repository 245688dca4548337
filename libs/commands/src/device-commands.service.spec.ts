import { RecordingLogger } from '@hub/common/testing';
import { ADMIN, RegistryFixture } from '@hub/devices/testing';
import type { CommandTransport, DownlinkPort, RefusedReport } from './command-ports';
import { CommandRepository } from './command.repository';
import { DeviceCommandsService } from './device-commands.service';

const W1 = { deviceId: 'w-1', domain: 'water' } as const;
const TOPIC = 'sensors/water/w-1/commands';
const ASHFORD_OPERATOR = { name: 'ash.op', scope: { towns: ['Ashford'], domains: [] } };

/** A broker stand-in: who is subscribed is set by the test, publishes are recorded (the real one is in test/integration). */
class RecordingTransport implements CommandTransport {
  subscribed = false;
  /** The device's current connection; a new object is a new connection. */
  connection: object | undefined = {};
  readonly published: Array<{ topic: string; id: string }> = [];

  isSubscribed(clientId: string, topic: string): boolean {
    return this.subscribed && clientId === 'w-1' && topic === TOPIC;
  }

  connectionOf(clientId: string): object | undefined {
    return clientId === 'w-1' ? this.connection : undefined;
  }

  publish(topic: string, payload: string): Promise<void> {
    this.published.push({ topic, id: (JSON.parse(payload) as { id: string }).id });
    return Promise.resolve();
  }
}

describe('DeviceCommandsService', () => {
  let fixture: RegistryFixture;
  let transport: RecordingTransport;
  let refused: RefusedReport[];
  /** A service as the hub starts it: loaded (which devices have commands waiting) before the first device is ready. */
  const build = async (downlinks?: DownlinkPort) => {
    const service = new DeviceCommandsService({ store: fixture.store, commands: new CommandRepository(fixture.store), devices: fixture.registry, transport, downlinks, audit: fixture.audit, refuse: async (report) => void refused.push(report), logger: new RecordingLogger(), clock: () => fixture.time });
    await service.load();
    return service;
  };

  beforeEach(async () => {
    fixture = await RegistryFixture.create();
    await fixture.registry.provision(ADMIN, { deviceId: 'w-1', domain: 'water', town: 'Ashford' });
    await fixture.registry.provision(ADMIN, { deviceId: 'w-2', domain: 'water', town: 'Brookfield' });
    transport = new RecordingTransport();
    refused = [];
  });

  afterEach(() => fixture.dispose());

  it('queues while the device is not subscribed and sends the queue, oldest first, when it is ready', async () => {
    const service = await build();
    const first = await service.send(ADMIN, 'w-1', { name: 'a' });
    fixture.time += 1;
    const second = await service.send(ADMIN, 'w-1', { name: 'b' });
    expect([first.status, second.status, transport.published]).toEqual(['queued', 'queued', []]);
    transport.subscribed = true;
    await service.deviceReady(W1);
    expect(transport.published.map((entry) => entry.id)).toEqual([first.id, second.id]);
    expect((await service.list(ADMIN, 'w-1')).map((command) => command.status)).toEqual(['sent', 'sent']);
  });

  it('resends an unacknowledged command once per new connection and after a restart, never twice to one connection', async () => {
    transport.subscribed = true;
    const service = await build();
    const { id } = await service.send(ADMIN, 'w-1', { name: 'a' });
    // The same connection's restored subscriptions and its ready event: sent once.
    await service.deviceReady(W1);
    expect(transport.published).toHaveLength(1);
    // A new connection (the first may have been closing when the command went out): sent again, once.
    transport.connection = {};
    await service.deviceReady(W1);
    await service.deviceReady(W1);
    expect(transport.published).toHaveLength(2);

    const restarted = await build();
    await restarted.deviceReady(W1);
    expect(transport.published.map((entry) => entry.id)).toEqual([id, id, id]);
    await restarted.acknowledged('w-1', Buffer.from(JSON.stringify({ id })));
    transport.connection = {};
    await restarted.deviceReady(W1);
    expect(transport.published).toHaveLength(3);
    expect((await restarted.get(ADMIN, 'w-1', id)).status).toBe('delivered');
  });

  it('does not send what has expired, and expires it with the reason', async () => {
    const service = await build();
    const { id } = await service.send(ADMIN, 'w-1', { name: 'a', expiresIn: '1s' });
    fixture.time += 1000;
    transport.subscribed = true;
    await service.deviceReady(W1);
    expect(transport.published).toEqual([]);
    expect(await service.expireDue()).toBe(1);
    expect(await service.get(ADMIN, 'w-1', id)).toMatchObject({ status: 'expired', error: 'expired before the device was connected and subscribed', finishedAt: fixture.time });
    expect(await service.expireDue()).toBe(0);
  });

  it('refuses a reply for another device’s command and ignores a PUBACK for one', async () => {
    transport.subscribed = true;
    const service = await build();
    const { id } = await service.send(ADMIN, 'w-1', { name: 'a' });
    await service.acknowledged('w-2', Buffer.from(JSON.stringify({ id })));
    await service.replied({ deviceId: 'w-2', domain: 'water' }, 'w-2', 'sensors/water/w-2/commands/reply', Buffer.from(JSON.stringify({ id, ok: true })));
    expect((await service.get(ADMIN, 'w-1', id)).status).toBe('sent');
    expect(refused.map(({ reason, detail, deviceId }) => ({ reason, detail, deviceId }))).toEqual([{ reason: 'COMMAND_UNKNOWN', detail: `no command ${id} was sent to device w-2`, deviceId: 'w-2' }]);
  });

  it('keeps a town-scoped operator to their towns, and a command id to its device', async () => {
    const service = await build();
    await expect(service.send(ASHFORD_OPERATOR, 'w-2', { name: 'a' })).rejects.toThrow('Device w-2 (water, Brookfield) is outside the scope of ash.op (towns Ashford)');
    await expect(service.send(ADMIN, 'w-9', { name: 'a' })).rejects.toThrow('Unknown device w-9');
    const { id } = await service.send(ASHFORD_OPERATOR, 'w-1', { name: 'a' });
    await expect(service.get(ADMIN, 'w-2', id)).rejects.toThrow(`Device w-2 has no command ${id}`);
    expect(fixture.auditTrail().filter(([action]) => action.startsWith('device.command'))).toEqual([['device.command.send', 'w-1', 'ash.op']]);
  });

  it('forgets a deleted device’s commands, leaving other devices’ and the audit log alone', async () => {
    const service = await build();
    await service.send(ADMIN, 'w-1', { name: 'a' });
    transport.subscribed = true;
    await service.send(ADMIN, 'w-1', { name: 'b' });
    await service.send(ADMIN, 'w-2', { name: 'c' });
    expect(await fixture.store.tx((tx) => service.forget('w-1', tx))).toBe(2);
    expect(await service.list(ADMIN, 'w-1')).toEqual([]);
    expect((await service.list(ADMIN, 'w-2')).map((command) => command.name)).toEqual(['c']);
    expect(fixture.auditTrail().filter(([action]) => action === 'device.command.send')).toHaveLength(3);
  });

  it('asks the database on a device-ready only for devices with commands waiting (a reconnect storm of the fleet costs a few queries)', async () => {
    for (let index = 0; index < 50; index++) await fixture.registry.provision(ADMIN, { deviceId: `s-${index}`, domain: 'water', town: 'Ashford' });
    await (await build()).send(ADMIN, 'w-1', { name: 'a' });
    const repository = new CommandRepository(fixture.store);
    const asked: string[] = [];
    const forDevice = repository.forDevice.bind(repository);
    repository.forDevice = (deviceId, statuses, exec) => {
      asked.push(deviceId);
      return forDevice(deviceId, statuses, exec);
    };
    // After a restart: loaded from the table, not from what the previous process sent.
    const service = new DeviceCommandsService({ store: fixture.store, commands: repository, devices: fixture.registry, transport, audit: fixture.audit, refuse: async () => undefined, logger: new RecordingLogger(), clock: () => fixture.time });
    await service.load();
    transport.subscribed = true;
    for (let index = 0; index < 50; index++) await service.deviceReady({ deviceId: `s-${index}`, domain: 'water' });
    await service.deviceReady(W1);
    expect(asked).toEqual(['w-1']);
    expect(transport.published).toHaveLength(1);
    // Acknowledged and answered: nothing waits any more, so the next ready event asks nothing either.
    const [command] = await service.list(ADMIN, 'w-1');
    await service.replied(W1, 'w-1', 'sensors/water/w-1/commands/reply', Buffer.from(JSON.stringify({ id: command.id, ok: true })));
    transport.connection = {};
    await service.deviceReady(W1);
    await service.deviceReady(W1);
    expect(asked).toEqual(['w-1', 'w-1']);
  });

  describe('LoRaWAN devices (downlinks through their network server)', () => {
    /** The network server side: which devices it can reach, what was queued, and what the codec refuses. */
    class RecordingDownlinks implements DownlinkPort {
      heard = new Set<string>();
      readonly queued: Array<{ deviceId: string; name: string; id: string }> = [];
      refuseWith: string | null = null;
      carries(deviceId: string): boolean {
        return this.heard.has(deviceId);
      }
      enqueue(deviceId: string, command: { id: string; name: string }): Promise<{ ok: true } | { ok: false; error: string }> {
        this.queued.push({ deviceId, name: command.name, id: command.id });
        return Promise.resolve(this.refuseWith === null ? { ok: true } : { ok: false, error: this.refuseWith });
      }
    }
    const flush = () => new Promise((resolve) => setImmediate(resolve));

    it('holds a command until a network server has heard the device, queues it once as a downlink, and ends it on the ack', async () => {
      const downlinks = new RecordingDownlinks();
      const service = await build(downlinks);
      const command = await service.send(ADMIN, 'w-1', { name: 'valve', args: { state: 'closed' } });
      expect([command.status, downlinks.queued]).toEqual(['queued', []]);
      downlinks.heard.add('w-1');
      await service.deviceHeard(W1);
      await service.deviceHeard(W1);
      await flush();
      expect(downlinks.queued).toEqual([{ deviceId: 'w-1', name: 'valve', id: command.id }]);
      expect(transport.published).toEqual([]);
      expect((await service.get(ADMIN, 'w-1', command.id)).status).toBe('sent');
      await service.downlinkAcknowledged('w-1', command.id, true);
      expect(await service.get(ADMIN, 'w-1', command.id)).toMatchObject({ status: 'succeeded', result: { acknowledged: true } });

      const unacked = await service.send(ADMIN, 'w-1', { name: 'valve', args: { state: 'open' } });
      await flush();
      await service.downlinkAcknowledged('w-1', unacked.id, false);
      expect(await service.get(ADMIN, 'w-1', unacked.id)).toMatchObject({ status: 'failed', error: 'the device did not acknowledge the confirmed downlink (the network server gave up)' });
    });

    it('fails a command its codec cannot encode, with the codec\'s reason', async () => {
      const downlinks = new RecordingDownlinks();
      downlinks.heard.add('w-1');
      downlinks.refuseWith = 'profile wm-11 could not encode it (DECODER_ERROR): the codec reported errors: unknown command reboot';
      const service = await build(downlinks);
      const { id } = await service.send(ADMIN, 'w-1', { name: 'reboot' });
      await flush();
      expect(await service.get(ADMIN, 'w-1', id)).toMatchObject({ status: 'failed', error: downlinks.refuseWith });
    });
  });
});
