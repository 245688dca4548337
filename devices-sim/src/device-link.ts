/**
 * One device's connection to the broker. The simulator talks to this interface only; mqtt-device-link.ts is the
 * one file that imports mqtt, and unit tests plug in an in-memory link.
 */
export interface DeviceLinkOptions {
  readonly url: string;
  readonly clientId: string;
  /** The device's credentials: username = device id, password = its secret. Omitted: connect anonymously. */
  readonly username?: string;
  readonly password?: string;
  readonly clean: boolean;
  readonly keepaliveS: number;
  readonly connectTimeoutMs: number;
  readonly reconnectPeriodMs: number;
  /** Called each time MQTT.js starts reconnecting after a lost connection. */
  readonly onReconnect?: () => void;
  /** Omitted by a client that is not a device (the simulated network server's integration). */
  readonly will?: { readonly topic: string; readonly payload: string; readonly qos: 0 | 1; readonly retain: boolean };
}

export interface DeviceLink {
  /** `done` fires once: for QoS 1 on PUBACK, for QoS 0 once written; with an error when the publish failed. */
  publish(topic: string, payload: string, options: { readonly qos: 0 | 1; readonly retain?: boolean }, done: (error?: Error) => void): void;
  /** Clean close: sends DISCONNECT, so the broker discards the will [MQTT-3.14.4-3]. Never rejects. */
  close(timeoutMs: number): Promise<void>;
  /**
   * Subscribes at QoS 1 and hands every message received to `onMessage`. Optional: a link without it (the in-memory
   * one) stands for a device that listens to nothing.
   */
  subscribe?(topics: readonly string[], onMessage: (topic: string, payload: string) => void): void;
  /** Drops the TCP connection without DISCONNECT, so the broker publishes the will [MQTT-3.1.2-8]. */
  drop(): void;
}

/** Resolves once CONNACK arrived; rejects on refusal, network error or timeout, leaving nothing open. */
export type DeviceLinkFactory = (options: DeviceLinkOptions) => Promise<DeviceLink>;
