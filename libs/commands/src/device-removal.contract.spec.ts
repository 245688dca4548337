import { SILENT_LOGGER } from '@hub/common';
import { MetricCatalogue } from '@hub/contract';
import { DeviceRegistryService, RegistryDeviceRepository } from '@hub/devices';
import { ADMIN } from '@hub/devices/testing';
import { AuditLogRepository } from '@hub/store';
import { TEST_STORES, type TestStore } from '@hub/store/testing';
import type { CommandTransport } from './command-ports';
import { CommandRepository } from './command.repository';
import { DeviceCommandsService } from './device-commands.service';
import { DeviceConfigRepository } from './device-config.repository';
import { DeviceConfigService } from './device-config.service';

/** No device is connected: commands stay queued, configurations stored. */
const OFFLINE: CommandTransport = { isSubscribed: () => false, connectionOf: () => undefined, publish: () => Promise.resolve() };

describe.each(TEST_STORES)('Deleting a device on %s', (_dialect, open) => {
  let test: TestStore;

  beforeEach(async () => {
    test = await open();
  });
  afterEach(() => test.dispose());

  it('removes its commands and configuration in the same transaction, counted in the audit entry; other devices keep theirs', async () => {
    const { store } = test;
    const audit = new AuditLogRepository(null);
    const registry = new DeviceRegistryService({ store, repository: new RegistryDeviceRepository(store), audit, catalogue: MetricCatalogue.BUILT_IN, logger: SILENT_LOGGER });
    await registry.load();
    const deps = { store, devices: registry, transport: OFFLINE, audit, refuse: async () => undefined, logger: SILENT_LOGGER };
    const commands = new DeviceCommandsService({ ...deps, commands: new CommandRepository(store) });
    const config = new DeviceConfigService({ ...deps, configs: new DeviceConfigRepository(store) });
    registry.whenRemoved(async (deviceId, tx) => ({ commandsRemoved: await commands.forget(deviceId, tx), configRemoved: await config.forget(deviceId, tx) }));
    await registry.provision(ADMIN, { deviceId: 'w-1', domain: 'water' });
    await registry.provision(ADMIN, { deviceId: 'w-2', domain: 'water' });
    await commands.send(ADMIN, 'w-1', { name: 'reboot' });
    await commands.send(ADMIN, 'w-1', { name: 'flush' });
    await commands.send(ADMIN, 'w-2', { name: 'reboot' });
    await config.setDesired(ADMIN, 'w-1', { intervalS: 30 });
    await config.setDesired(ADMIN, 'w-2', { intervalS: 60 });

    await registry.remove(ADMIN, 'w-1');
    expect(await new CommandRepository(store).devicesWith(['queued'])).toEqual(['w-2']);
    expect(await new DeviceConfigRepository(store).devicesWithDesired()).toEqual(['w-2']);
    const [deletion] = await audit.list({ action: 'device.delete', limit: 1 }, store.db);
    expect(deletion.detail).toEqual({ domain: 'water', town: null, status: 'active', commandsRemoved: 2, configRemoved: 1 });

    // Provisioned again, the id starts clean.
    await registry.provision(ADMIN, { deviceId: 'w-1', domain: 'water' });
    expect(await commands.list(ADMIN, 'w-1')).toEqual([]);
    expect(await config.get(ADMIN, 'w-1')).toMatchObject({ desired: null, reported: null });
  });

  it('keeps the device, its commands and configuration when a removal step fails', async () => {
    const { store } = test;
    const audit = new AuditLogRepository(null);
    const registry = new DeviceRegistryService({ store, repository: new RegistryDeviceRepository(store), audit, catalogue: MetricCatalogue.BUILT_IN, logger: SILENT_LOGGER });
    await registry.load();
    const commands = new DeviceCommandsService({ store, devices: registry, transport: OFFLINE, audit, refuse: async () => undefined, logger: SILENT_LOGGER, commands: new CommandRepository(store) });
    registry.whenRemoved(async (deviceId, tx) => ({ commandsRemoved: await commands.forget(deviceId, tx) }));
    registry.whenRemoved(() => Promise.reject(new Error('configuration store unavailable')));
    await registry.provision(ADMIN, { deviceId: 'w-1', domain: 'water' });
    await commands.send(ADMIN, 'w-1', { name: 'reboot' });
    await expect(registry.remove(ADMIN, 'w-1')).rejects.toThrow('configuration store unavailable');
    expect(registry.find('w-1')).toMatchObject({ deviceId: 'w-1' });
    expect(await new RegistryDeviceRepository(store).loadAll()).toHaveLength(1);
    expect((await commands.list(ADMIN, 'w-1')).map((command) => command.name)).toEqual(['reboot']);
    expect(await audit.list({ action: 'device.delete', limit: 1 }, store.db)).toEqual([]);
  });
});
