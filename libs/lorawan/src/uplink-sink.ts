import type { AdaptedEvent } from '@hub/decoders';

/** One message from a network server's broker, as the bridge hands it on. */
export interface UplinkSource {
  /** The network server connection's name. */
  readonly connection: string;
  readonly topic: string;
  /** The PUBLISH payload as it came, for dead letters. */
  readonly payload: Uint8Array;
  /** adaptChirpStackEvent's reading of it, with the topic's event type and DevEUI. */
  readonly event: AdaptedEvent;
  /** The topic's last level (up, join, status…); absent when the topic is not a ChirpStack event topic. */
  readonly eventType?: string;
  /** The broker set DUP: it sent this before, on this or an earlier connection, and got no PUBACK for it. */
  readonly redelivered: boolean;
}

/**
 * Where the bridge delivers what a network server sends: the ingest side (device by DevEUI, profile, decode,
 * validate, fCnt de-duplication, write). `done()` once every reading of the message is durable — in InfluxDB, the
 * outage spool or the dead letters — and the bridge then acknowledges it; `done(error)` when nothing may be
 * promised, and the message stays unacknowledged so the network server's broker delivers it again. Call `done`
 * exactly once; it must not throw (a throw is treated as `done(error)`).
 */
export interface UplinkSink {
  take(source: UplinkSource, done: (error?: Error) => void): void;
}
