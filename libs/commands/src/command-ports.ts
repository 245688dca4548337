import type { RejectReason } from '@hub/contract';

/** How commands and configuration reach devices: the embedded broker (MqttBroker). */
export interface CommandTransport {
  /** True when the client is connected now and holds a subscription to exactly `topic`. */
  isSubscribed(clientId: string, topic: string): boolean;
  /** The client's current connection: a value that stays the same for one connection and differs for the next; undefined when not connected. */
  connectionOf(clientId: string): object | undefined;
  publish(topic: string, payload: string, qos: 0 | 1, retain: boolean): Promise<void>;
}

/** A device's message on commands/reply or config/reported that could not be taken: recorded as a dead letter. */
export interface RefusedReport {
  readonly receivedAt: number;
  readonly clientId: string;
  readonly deviceId: string;
  readonly domain: string;
  readonly topic: string;
  readonly payload: Uint8Array;
  readonly reason: RejectReason;
  readonly detail: string;
}

/** Records a refused device message as a dead letter; resolves once committed (the message is acknowledged after). */
export type RefuseReport = (report: RefusedReport) => Promise<void>;

/**
 * LoRaWAN devices take commands as downlinks: encoded by their profile's encodeDownlink and queued at the network
 * server that last heard them, which sends them after the device's next uplink (class A). The network server's
 * acknowledgement of a confirmed downlink is the device's answer.
 */
export interface DownlinkPort {
  /** Whether this device's commands go as LoRaWAN downlinks (it has a DevEUI and a network server has heard it). */
  carries(deviceId: string): boolean;
  /** Encodes the command and queues it at the network server; resolves once its broker took it, or with why not. */
  enqueue(deviceId: string, command: { readonly id: string; readonly name: string; readonly args: unknown; readonly expiresAt: number }): Promise<{ readonly ok: true } | { readonly ok: false; readonly error: string }>;
}
