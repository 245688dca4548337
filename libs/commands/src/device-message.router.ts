import { isDeviceTopic, parseDeviceReportTopic, type DeviceAddress } from '@hub/contract';
import type { HubLogger } from '@hub/common';
import type { DeviceDirectory } from './device-target';

const COMMANDS_TOPIC = /^sensors\/[^/]+\/[^/]+\/commands$/;
import type { DeviceCommandsService } from './device-commands.service';
import type { DeviceConfigService } from './device-config.service';

/**
 * What the broker tells the commands feature (its DeviceMessageTap): device messages on commands/reply and
 * config/reported, a device ready or subscribing, and PUBACKs of messages on commands topics. The broker has
 * already applied the device ACL, so a message on a device's topic comes from that device.
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

  received(clientId: string, topic: string, payload: Uint8Array): void {
    const parsed = parseDeviceReportTopic(topic);
    if (parsed === null) return;
    if (parsed.leaf === 'commands/reply') this.commands.replied(parsed.address, clientId, topic, payload);
    else this.config.reported(parsed.address, clientId, topic, payload);
  }

  clientReady(clientId: string): void {
    const device = this.deviceOf(clientId);
    if (device === null) return;
    this.config.deviceReady(device).catch((error: unknown) => this.logger.error({ msg: 'Could not publish the desired configuration', deviceId: clientId, error }));
    this.commands.deviceReady(device);
  }

  tracksAcknowledgements(topic: string): boolean {
    // Called for every QoS 1 delivery: the cheap test first.
    return topic.endsWith('/commands') && COMMANDS_TOPIC.test(topic);
  }

  subscribed(clientId: string, filters: readonly string[]): void {
    const device = this.deviceOf(clientId);
    if (device !== null && filters.some((filter) => isDeviceTopic(device, filter, 'commands'))) this.commands.deviceReady(device);
  }

  acknowledged(clientId: string, topic: string, payload: Uint8Array): void {
    const device = this.deviceOf(clientId);
    if (device !== null && isDeviceTopic(device, topic, 'commands')) this.commands.acknowledged(device.deviceId, payload);
  }

  /** Device clients connect with their device id as client id. */
  private deviceOf(clientId: string): DeviceAddress | null {
    const device = this.devices.find(clientId);
    return device === undefined || device.domain === null || device.status !== 'active' ? null : { deviceId: device.deviceId, domain: device.domain };
  }
}
