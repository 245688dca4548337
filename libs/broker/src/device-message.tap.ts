import type { Client } from 'aedes';

/**
 * What the broker tells the feature that talks back to devices (commands and configuration): messages on the
 * topics it takes instead of the ingest pipeline, clients that are ready or subscribe, and PUBACKs of the QoS 1
 * messages it tracks. The broker applies the access policy first; the tap decides nothing about access.
 */
export interface DeviceMessageTap {
  /** True for a topic whose messages go to `received` rather than to the pipeline (e.g. `…/commands/reply`). */
  takes(topic: string): boolean;
  /** Resolves when the message may be acknowledged: a refused one once its dead letter is committed. */
  received(clientId: string, topic: string, payload: Uint8Array): Promise<void>;
  /** Connected, its persistent session's subscriptions restored (aedes' clientReady). */
  clientReady(clientId: string): void;
  subscribed(clientId: string, filters: readonly string[]): void;
  /** True for a topic whose deliveries' PUBACKs `acknowledged` should hear of. */
  tracksAcknowledgements(topic: string): boolean;
  acknowledged(clientId: string, topic: string, payload: Uint8Array): void;
}

interface TrackedMessage {
  readonly topic: string;
  readonly payload: Uint8Array;
}

/** aedes' per-client packet id counter (lib/client.js, lib/qos-packet.js): not in its types. */
type ClientWithIds = Client & { _nextId: number };

/**
 * Tells which delivered message a PUBACK acknowledges. aedes reports a PUBACK (its 'ack' event) with the original
 * packet only for a persistent session, where it kept a copy; for a clean session it keeps none and the event
 * carries nothing. So a tracked delivery gets its packet id here, in authorizeForward, taken from the client's own
 * counter exactly as aedes' QoSPacket would (which then keeps an id it is given), and the PUBACK's id finds it.
 */
export class AcknowledgementTracker {
  private readonly inFlight = new Map<string, Map<number, TrackedMessage>>();

  constructor(private readonly tap: () => DeviceMessageTap | null) {}

  /** authorizeForward's answer for a tracked QoS 1 delivery: a copy with its packet id; otherwise the packet itself. */
  forwarding<P extends { topic: string; payload: unknown; qos: number }>(client: Client, packet: P): P & { messageId?: number } {
    const tap = this.tap();
    if (tap === null || packet.qos === 0 || !tap.tracksAcknowledgements(packet.topic)) return packet;
    const ids = client as ClientWithIds;
    if (typeof ids._nextId !== 'number') return packet;
    const messageId = ids._nextId;
    ids._nextId = messageId >= 65535 ? 1 : messageId + 1; // [MQTT-2.3.1-1] ids 1…65535, as aedes wraps them
    let messages = this.inFlight.get(client.id);
    if (messages === undefined) this.inFlight.set(client.id, (messages = new Map()));
    messages.set(messageId, { topic: packet.topic, payload: packet.payload as Uint8Array });
    return { ...packet, messageId };
  }

  /** A PUBACK: `original` is what the persistence kept (a persistent session), else looked up by its id. */
  acknowledged(clientId: string, messageId: number | undefined, original: { topic?: string; payload?: unknown } | undefined): void {
    const tap = this.tap();
    const messages = this.inFlight.get(clientId);
    const tracked = messageId === undefined ? undefined : messages?.get(messageId);
    if (tracked !== undefined) messages?.delete(messageId as number);
    const message = tracked ?? (original?.topic !== undefined && original.payload instanceof Uint8Array ? { topic: original.topic, payload: original.payload } : undefined);
    if (tap === null || message === undefined || !tap.tracksAcknowledgements(message.topic)) return;
    tap.acknowledged(clientId, message.topic, message.payload);
  }

  /** The connection ended: ids it had in flight mean nothing to the next one (a persistent session's are in persistence). */
  disconnected(clientId: string): void {
    this.inFlight.delete(clientId);
  }
}

/** Wraps the persistence's outgoingClearMessageId (called for every PUBACK, clean session or not) to report it. */
export function reportAcknowledgements(persistence: unknown, tracker: AcknowledgementTracker): void {
  const queueing = persistence as { outgoingClearMessageId(client: { id: string }, packet: { messageId?: number }): Promise<unknown> };
  const clear = queueing.outgoingClearMessageId.bind(queueing);
  queueing.outgoingClearMessageId = async (client, packet) => {
    const original = (await clear(client, packet)) as { topic?: string; payload?: unknown } | undefined;
    tracker.acknowledged(client.id, packet.messageId, original);
    return original;
  };
}
