import type { RegistryDevice } from '@hub/devices';
import type { ProfileBook } from '@hub/profiles';
import type { UplinkIngestService } from './uplink-ingest.service';

/** Publishes on a network server's broker (the ChirpStack bridge's own MQTT client for that connection). */
export interface NetworkServerPublisher {
  publish(connection: string, topic: string, payload: string): Promise<void>;
}

export interface DownlinkCommand {
  readonly id: string;
  readonly name: string;
  readonly args: unknown;
  readonly expiresAt: number;
}

/**
 * Commands to LoRaWAN devices as ChirpStack downlinks: the device's profile codec (encodeDownlink) turns the command
 * `{ name, args }` into a frame, queued as a confirmed downlink on
 * `application/{applicationId}/device/{devEui}/command/down` of the connection that last heard the device, with the
 * command id as the queue item id — so ChirpStack's ack event names the command it answers.
 */
export class LoRaWanDownlinks {
  constructor(
    private readonly devices: { find(deviceId: string): RegistryDevice | undefined },
    private readonly profiles: Pick<ProfileBook, 'encode'>,
    private readonly uplinks: Pick<UplinkIngestService, 'routeOf'>,
    private readonly publisher: NetworkServerPublisher,
  ) {}

  carries(deviceId: string): boolean {
    const device = this.devices.find(deviceId);
    return device?.devEui != null && device.profileId !== null && this.uplinks.routeOf(device.devEui) !== undefined;
  }

  async enqueue(deviceId: string, command: DownlinkCommand): Promise<{ ok: true } | { ok: false; error: string }> {
    const device = this.devices.find(deviceId);
    const route = device?.devEui == null ? undefined : this.uplinks.routeOf(device.devEui);
    if (device?.devEui == null || device.profileId === null || route === undefined) return { ok: false, error: 'no network server has heard this device since the service started' };
    const frame = await this.profiles.encode(device.profileId, { data: { name: command.name, args: command.args } });
    if ('reason' in frame) return { ok: false, error: `profile ${device.profileId} could not encode it (${frame.reason}): ${frame.detail}` };
    const downlink = { id: command.id, devEui: device.devEui, confirmed: true, fPort: frame.fPort, data: Buffer.from(frame.bytes).toString('base64') };
    await this.publisher.publish(route.connection, `application/${route.applicationId}/device/${device.devEui}/command/down`, JSON.stringify(downlink));
    return { ok: true };
  }
}
