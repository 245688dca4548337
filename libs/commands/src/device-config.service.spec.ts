import { RecordingLogger } from '@hub/common/testing';
import { ADMIN, RegistryFixture } from '@hub/devices/testing';
import type { CommandTransport } from './command-ports';
import { DeviceConfigRepository } from './device-config.repository';
import { DeviceConfigService } from './device-config.service';

const W1 = { deviceId: 'w-1', domain: 'water' } as const;

class RecordingTransport implements CommandTransport {
  failing = false;
  readonly published: Array<[string, string, boolean]> = [];

  isSubscribed(): boolean {
    return true;
  }

  connectionOf(): object {
    return this;
  }

  publish(topic: string, payload: string, _qos: 0 | 1, retain: boolean): Promise<void> {
    if (this.failing) return Promise.reject(new Error('broker is not started'));
    this.published.push([topic, payload, retain]);
    return Promise.resolve();
  }
}

describe('DeviceConfigService', () => {
  let fixture: RegistryFixture;
  let transport: RecordingTransport;
  let logger: RecordingLogger;
  /** A service as the hub starts it: loaded (which devices have a desired configuration) first. */
  const build = async () => {
    const service = new DeviceConfigService({ store: fixture.store, configs: new DeviceConfigRepository(fixture.store), devices: fixture.registry, transport, audit: fixture.audit, refuse: async () => undefined, logger, clock: () => fixture.time });
    await service.load();
    return service;
  };

  beforeEach(async () => {
    fixture = await RegistryFixture.create();
    await fixture.registry.provision(ADMIN, { deviceId: 'w-1', domain: 'water', town: 'Ashford' });
    transport = new RecordingTransport();
    logger = new RecordingLogger();
  });

  afterEach(() => fixture.dispose());

  it('publishes the desired config retained, once per process, and again after a restart when the device connects', async () => {
    const service = await build();
    await service.setDesired(ADMIN, 'w-1', { intervalS: 30 });
    await service.deviceReady(W1);
    expect(transport.published).toEqual([['sensors/water/w-1/config', '{"intervalS":30}', true]]);
    await (await build()).deviceReady(W1);
    expect(transport.published).toHaveLength(2);
  });

  it('keeps a desired config the broker could not take, logs it, and publishes it when the device connects', async () => {
    const service = await build();
    transport.failing = true;
    expect(await service.setDesired(ADMIN, 'w-1', { intervalS: 30 })).toMatchObject({ desired: { intervalS: 30 }, differs: true });
    expect(logger.messages('error')).toEqual(['Could not publish a desired configuration; it goes out when the device next connects']);
    transport.failing = false;
    await service.deviceReady(W1);
    expect(transport.published).toEqual([['sensors/water/w-1/config', '{"intervalS":30}', true]]);
  });

  it('compares reports with the desired config whatever the key order, and audits only reports that change', async () => {
    const service = await build();
    await service.setDesired(ADMIN, 'w-1', { a: 1, b: { c: 2, d: 3 } });
    await service.reported(W1, 'w-1', 'sensors/water/w-1/config/reported', Buffer.from('{"b":{"d":3,"c":2},"a":1}'));
    expect((await service.get(ADMIN, 'w-1')).differs).toBe(false);
    await service.reported(W1, 'w-1', 'sensors/water/w-1/config/reported', Buffer.from('{"a":1,"b":{"c":2,"d":3}}'));
    await service.reported(W1, 'w-1', 'sensors/water/w-1/config/reported', Buffer.from('{"a":2,"b":{"c":2,"d":3}}'));
    expect(await service.get(ADMIN, 'w-1')).toMatchObject({ reported: { a: 2, b: { c: 2, d: 3 } }, differs: true });
    expect(service.changeCounts).toEqual({ desired: 1, reported: 2 });
    expect(fixture.auditTrail().filter(([action]) => action.startsWith('device.config'))).toEqual([
      ['device.config.set', 'w-1', 'ada'],
      ['device.config.report', 'w-1', 'w-1'],
      ['device.config.report', 'w-1', 'w-1'],
    ]);
  });

  it('forgets a deleted device’s desired and reported configuration; the audit log keeps the changes', async () => {
    const service = await build();
    await service.setDesired(ADMIN, 'w-1', { intervalS: 30 });
    await service.reported(W1, 'w-1', 'sensors/water/w-1/config/reported', Buffer.from('{"intervalS":30}'));
    expect([await fixture.store.tx((tx) => service.forget('w-1', tx)), await fixture.store.tx((tx) => service.forget('w-1', tx))]).toEqual([1, 0]);
    expect(await service.get(ADMIN, 'w-1')).toMatchObject({ desired: null, reported: null, differs: false });
    expect(fixture.auditTrail().filter(([action]) => action.startsWith('device.config')).map(([action]) => action)).toEqual(['device.config.set', 'device.config.report']);
  });
  it('asks the database on a device-ready only for devices with a desired configuration', async () => {
    await (await build()).setDesired(ADMIN, 'w-1', { intervalS: 30 });
    const repository = new DeviceConfigRepository(fixture.store);
    const asked: string[] = [];
    const get = repository.get.bind(repository);
    repository.get = (deviceId, exec) => {
      asked.push(deviceId);
      return get(deviceId, exec);
    };
    const service = new DeviceConfigService({ store: fixture.store, configs: repository, devices: fixture.registry, transport, audit: fixture.audit, refuse: async () => undefined, logger, clock: () => fixture.time });
    await service.load();
    for (const deviceId of ['w-2', 'w-3', 'w-4']) await service.deviceReady({ deviceId, domain: 'water' });
    await service.deviceReady(W1);
    await service.deviceReady(W1);
    expect(asked).toEqual(['w-1']);
  });
});
