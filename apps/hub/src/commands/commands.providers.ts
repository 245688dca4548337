import { Logger, Provider } from '@nestjs/common';
import type { HubConfig } from '@hub/config';
import { MqttBroker } from '@hub/broker';
import { CommandRepository, type CommandTransport, DeviceCommandsService, DeviceConfigRepository, DeviceConfigService, DeviceMessageRouter, type RefuseReport } from '@hub/commands';
import { DeviceRegistryService } from '@hub/devices';
import { NetworkServerBridges } from '@hub/lorawan';
import { DeadLetterWriter, LoRaWanDownlinks, UplinkIngestService } from '@hub/pipeline';
import { ProfileBook } from '@hub/profiles';
import { AuditLogRepository, Store } from '@hub/store';
import { CommandMetrics } from './command-metrics';
import { CommandsLifecycle } from './commands.lifecycle';
import { DeviceCommandsController } from './device-commands.controller';
import { HUB_CONFIG } from '../hub.tokens';

export const COMMAND_CONTROLLERS = [DeviceCommandsController];

const COMMAND_TRANSPORT = Symbol('COMMAND_TRANSPORT');
const REFUSE_REPORT = Symbol('REFUSE_REPORT');

/** Commands and configuration back to devices (libs/commands) over the embedded broker; bad replies become dead letters. */
export function commandProviders(): Provider[] {
  return [
    {
      provide: COMMAND_TRANSPORT,
      useFactory: (broker: MqttBroker): CommandTransport => ({
        isSubscribed: (clientId, topic) => broker.isSubscribed(clientId, topic),
        connectionOf: (clientId) => broker.connectionOf(clientId),
        publish: (topic, payload, qos, retain) => broker.publish(topic, payload, qos, retain),
      }),
      inject: [MqttBroker],
    },
    {
      provide: REFUSE_REPORT,
      useFactory: (deadLetters: DeadLetterWriter): RefuseReport => (report) => deadLetters.record([report]),
      inject: [DeadLetterWriter],
    },
    {
      provide: DeviceCommandsService,
      useFactory: async (
        store: Store,
        devices: DeviceRegistryService,
        transport: CommandTransport,
        audit: AuditLogRepository,
        refuse: RefuseReport,
        profiles: ProfileBook,
        uplinks: UplinkIngestService,
        bridges: NetworkServerBridges,
      ) => {
        // LoRaWAN devices: commands as downlinks through the network server that last heard them; its acks end them.
        const downlinks = new LoRaWanDownlinks(devices, profiles, uplinks, { publish: (connection, topic, payload) => bridges.publish(connection, topic, payload) });
        const logger = new Logger(DeviceCommandsService.name);
        const commands = new DeviceCommandsService({ store, commands: new CommandRepository(store), devices, transport, downlinks, audit, refuse, logger });
        // Which devices have commands waiting: known before the broker takes the first connection.
        await commands.load();
        uplinks.useListener({
          heard: (device) => void commands.deviceHeard(device).catch((error: unknown) => logger.error({ msg: 'Could not send the commands waiting for a LoRaWAN device', deviceId: device.deviceId, error })),
          downlinkAcknowledged: (deviceId, queueItemId, acknowledged) => commands.downlinkAcknowledged(deviceId, queueItemId, acknowledged),
        });
        return commands;
      },
      inject: [Store, DeviceRegistryService, COMMAND_TRANSPORT, AuditLogRepository, REFUSE_REPORT, ProfileBook, UplinkIngestService, NetworkServerBridges],
    },
    {
      provide: DeviceConfigService,
      useFactory: async (store: Store, devices: DeviceRegistryService, transport: CommandTransport, audit: AuditLogRepository, refuse: RefuseReport, hub: HubConfig) => {
        const config = new DeviceConfigService({
          store,
          configs: new DeviceConfigRepository(store),
          devices,
          transport,
          audit,
          refuse,
          logger: new Logger(DeviceConfigService.name),
          brokerSharedAcrossNodes: hub.cluster.redis !== null,
        });
        await config.load();
        return config;
      },
      inject: [Store, DeviceRegistryService, COMMAND_TRANSPORT, AuditLogRepository, REFUSE_REPORT, HUB_CONFIG],
    },
    {
      provide: DeviceMessageRouter,
      useFactory: (devices: DeviceRegistryService, commands: DeviceCommandsService, config: DeviceConfigService, broker: MqttBroker) => {
        const router = new DeviceMessageRouter(devices, commands, config, new Logger(DeviceMessageRouter.name));
        broker.useDeviceMessages(router);
        // A deleted device's queue and configuration go with it; the audit log keeps their history.
        devices.whenRemoved(async (deviceId, tx) => ({ commandsRemoved: await commands.forget(deviceId, tx), configRemoved: await config.forget(deviceId, tx) }));
        return router;
      },
      inject: [DeviceRegistryService, DeviceCommandsService, DeviceConfigService, MqttBroker],
    },
    CommandsLifecycle,
    CommandMetrics,
  ];
}
