import { isDeviceTopic, parseDeviceReportTopic, type DeviceAddress } from '@hub/contract';
import type { HubLogger } from '@hub/common';
import { childCommandTopic, type RegistryDevice } from '@hub/devices';
import type { DeviceDirectory } from './device-target';
import type { DeviceCommandsService } from './device-commands.service';
import type { DeviceConfigService } from './device-config.service';

const COMMANDS_TOPIC = /^sensors\/[^/]+\/[^/]+\/commands$/;

/**
 * What the broker tells the commands feature (its DeviceMessageTap): device messages on commands/reply and
 * config/reported, a device ready or subscribing, and PUBACKs of messages on commands topics. The broker has
 * already applied the device ACL, so a message on a device's topic comes from that device or from its gateway.
 * A gateway relays for its children on the children's own topics: its connection being ready, its subscription to a
 * child's commands topic and its PUBACK of a child's command count for that child.
 */
export class DeviceMessageRouter {
  constructor(
    private readonly devices: DeviceDirectory,
    private readonly commands: DeviceCommandsService,
    private readonly config: DeviceConfigService,
    private readonly logger: HubLogger,
  ) {}

  takes(topic: string): boolean {
    return parseDeviceReportTopic(topic) !== null;
  }

  received(clientId: string, topic: string, payload: Uint8Array): Promise<void> {
    const parsed = parseDeviceReportTopic(topic);
    if (parsed === null) return Promise.resolve();
    // The broker acknowledges once this resolves, and logs a failure and leaves the message unacknowledged (resent).
    if (parsed.leaf === 'commands/reply') return this.commands.replied(parsed.address, clientId, topic, payload);
    return this.config.reported(parsed.address, clientId, topic, payload);
  }

  clientReady(clientId: string): void {
    const device = this.devices.find(clientId);
    const own = addressOf(device);
    if (own !== null) this.ready(own);
    // A gateway's restored session holds its children's subscriptions: their commands and config go out on it.
    if (device?.kind === 'gateway' && own !== null) for (const child of this.devices.childrenOf(clientId)) this.ready(addressOf(child));
  }

  tracksAcknowledgements(topic: string): boolean {
    // Called for every QoS 1 delivery: the cheap test first.
    return topic.endsWith('/commands') && COMMANDS_TOPIC.test(topic);
  }

  subscribed(clientId: string, filters: readonly string[]): void {
    const device = addressOf(this.devices.find(clientId));
    if (device === null) return;
    if (filters.some((filter) => isDeviceTopic(device, filter, 'commands'))) this.sendCommands(device);
    for (const filter of filters) {
      const child = this.relayedChild(clientId, filter);
      if (child !== null && childCommandTopic(filter)?.leaf === 'commands') this.sendCommands(child);
    }
  }

  acknowledged(clientId: string, topic: string, payload: Uint8Array): void {
    const device = addressOf(this.devices.find(clientId));
    if (device === null) return;
    const target = isDeviceTopic(device, topic, 'commands') ? device : this.relayedChild(clientId, topic);
    if (target === null) return;
    this.commands.acknowledged(target.deviceId, payload).catch((error: unknown) => this.logger.error({ msg: 'Could not record a command acknowledgement', deviceId: target.deviceId, error }));
  }

  private ready(device: DeviceAddress | null): void {
    if (device === null) return;
    this.config.deviceReady(device).catch((error: unknown) => this.logger.error({ msg: 'Could not publish the desired configuration', deviceId: device.deviceId, error }));
    this.sendCommands(device);
  }

  private sendCommands(device: DeviceAddress): void {
    this.commands.deviceReady(device).catch((error: unknown) => this.logger.error({ msg: 'Could not send the commands waiting for a device', deviceId: device.deviceId, error }));
  }

  /** The child whose commands or config topic this is, when it is registered under this gateway client. */
  private relayedChild(gatewayId: string, topic: string): DeviceAddress | null {
    const parsed = childCommandTopic(topic);
    if (parsed === null || parsed.deviceId === gatewayId) return null;
    const child = this.devices.find(parsed.deviceId);
    return child?.gatewayId === gatewayId && child.domain === parsed.domain ? addressOf(child) : null;
  }
}

/** An active device with a domain: one that has topics to be told anything on. Device clients connect with their id. */
function addressOf(device: RegistryDevice | undefined): DeviceAddress | null {
  return device === undefined || device.domain === null || device.status !== 'active' ? null : { deviceId: device.deviceId, domain: device.domain };
}
