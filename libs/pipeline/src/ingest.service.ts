import { HubLogger } from '@hub/common';
import {
  type CatalogueSource, type DeviceAddress, type KnownDomains, type MetricCatalogue, parseSensorTopic, Rejection, RejectReason, TopicParse, ValidationLimits, ValidationResult, validateTelemetry,
} from '@hub/contract';
import { type DecodedReading, type DecoderInput, isRefusal } from '@hub/decoders';
import { decodedPayload, type ProfileDecoder } from '@hub/profiles';
import { readingToLine, TagSet } from '@hub/influx';
import { NewDeadLetter } from './dead-letter.repository';
import { DevicePresence } from '@hub/devices';
import { IngestStats } from './ingest-stats';
import { AckCallback, AckSequencer } from './ordered-acks';
import { SeqDeduper } from './seq-deduper';
import { MessageOrigin } from './spool-port';

/** What the pipeline needs of a publishing client. */
export interface PublishingClient {
  readonly id: string;
  /**
   * A sender without a connection (an HTTP POST): its readings count as heard from the device (last seen, newest
   * values) but do not make it `online`, which means "holds an MQTT connection" (DevicePresence.recordPostedReadings).
   */
  readonly connectionless?: boolean;
}

/** What became of one message, known as soon as it was taken (before it is durable): for the HTTP answer. */
export interface IngestReceipt {
  /** Readings handed to the writer (durable once the message's callback runs). */
  readonly accepted: number;
  /** Valid readings dropped as resends (same device, seq and ts seen within the dedupe window). */
  readonly duplicates: number;
  /** Each refusal as dead-lettered: `index` is the position in a batch, absent for a single reading or the whole message. */
  readonly refused: readonly Rejection[];
}

const NOTHING_TAKEN: IngestReceipt = { accepted: 0, duplicates: 0, refused: [] };

const NO_VETO = (): void => undefined;

/** Whether the domain has the metric, not retired: two Map lookups, no list built per message. */
function inForce(catalogue: MetricCatalogue, domain: string, metric: string): boolean {
  const spec = catalogue.metricSpec(domain, metric);
  return spec !== undefined && spec.retiredAt === undefined;
}

/** A receipt, and whether the broker may forward the message to subscribers (it held something valid). */
type Taken = IngestReceipt & { readonly forward: boolean };

const NOT_TAKEN: Taken = { ...NOTHING_TAKEN, forward: false };

function receiptOf({ accepted, duplicates, refused }: Taken): IngestReceipt {
  return { accepted, duplicates, refused };
}

/**
 * The hub's own measurements of a message (a LoRaWAN uplink's RSSI, SNR, gateways) go into the reading at the event
 * time — one point with the meter's values — or a reading of their own when the decoder gave none at that time. Only
 * metrics the domain's catalogue has are kept: an admin adds rssi_dbm, snr_db and gateways_heard to record them.
 */
function withExtraMetrics(readings: readonly DecodedReading[], message: DecodableMessage, known: (metric: string) => boolean): readonly DecodedReading[] {
  const extra = Object.entries(message.extraMetrics ?? {}).filter(([name]) => known(name));
  if (extra.length === 0) return readings;
  const at = readings.findIndex((reading) => (reading.ts ?? message.eventTime) === message.eventTime);
  if (at < 0) return [...readings, { ts: message.eventTime, metrics: Object.fromEntries(extra) }];
  return readings.map((reading, index) => (index === at ? { ...reading, metrics: { ...Object.fromEntries(extra), ...reading.metrics } } : reading));
}

/** A message the access policy refused before ingest (topic ACL, quarantine). */
export interface PublishRefusal {
  readonly reason: RejectReason;
  readonly detail: string;
  readonly deviceId?: string;
  readonly domain?: string;
}

/**
 * Which devices send vendor payloads: the device's profile decoder, null for a device on the hub's own contract, or
 * `{ missing }` when it names a profile that no longer exists. Asked per message (an in-memory lookup).
 */
export interface PayloadDecoding {
  decoderOf(deviceId: string): ProfileDecoder | null | { readonly missing: string };
}

export const CONTRACT_ONLY: PayloadDecoding = { decoderOf: () => null };

/** What a decodable message brings besides its bytes: a LoRaWAN uplink's port, time, counter and link quality. */
export interface DecodableMessage {
  readonly input: DecoderInput;
  /** Event time for readings the decoder gives no ts: the network server's receive time, else the hub's. */
  readonly eventTime: number;
  /** seq for readings the decoder gives none (a LoRaWAN fCnt): a redelivered uplink is then a duplicate. */
  readonly seq?: number;
  /** What the network server's own codec made of the frame: decoded instead of the bytes when the profile says so. */
  readonly networkServerObject?: Readonly<Record<string, unknown>>;
  /** Metrics the hub measured itself (link quality), added to the reading at the event time when the domain has them. */
  readonly extraMetrics?: Readonly<Record<string, number>>;
}

export interface ReadingWriter {
  /** The lines of one message's accepted readings; `accepted` runs once they are all durable. */
  offer(origin: MessageOrigin, lines: readonly string[], accepted: () => void): void;
}

/** Most topics a client's parse cache keeps: a gateway's children (a concentrator's dozens of feeders) fit. */
const MAX_CACHED_TOPICS = 256;

/** What the pipeline keeps per connected client, in a WeakMap: it goes with the client object when that is gone. */
class ClientState {
  readonly acks = new AckSequencer();
  private topic: string | null = null;
  private parsed: TopicParse | null = null;
  /** Only for a client that publishes on several topics (a gateway, for its children): topic → its parse. */
  private recent: Map<string, TopicParse> | null = null;

  /**
   * A device publishes to the same topic message after message: parsed once, not per message (~2 % of the CPU). A
   * gateway cycles through its children's topics: each is parsed once too (≈ 0.26 µs a parse, measured). Only valid
   * topics are kept (bounded in length), and at most MAX_CACHED_TOPICS of them — a domain, once in the catalogue,
   * stays in it (admins retire metrics, never domains), so a kept parse never goes stale.
   */
  parseTopic(topic: string, known: KnownDomains): TopicParse {
    if (topic === this.topic && this.parsed !== null) return this.parsed;
    let parsed = this.recent?.get(topic);
    if (parsed === undefined) {
      parsed = parseSensorTopic(topic, known);
      if (this.topic !== null && parsed.ok) {
        this.recent ??= new Map();
        if (this.recent.size >= MAX_CACHED_TOPICS) this.recent.clear();
        this.recent.set(topic, parsed);
      }
    }
    this.topic = topic;
    this.parsed = parsed;
    return parsed;
  }
}

/**
 * The pipeline behind the broker's authorizePublish hook: topic check → validation → dead letters for what is
 * refused → the writer for what is accepted. `done` is the broker's callback, which sends the QoS 1 PUBACK; it runs
 * only once every reading of the message is durable — in InfluxDB, the outage spool or the dead-letter store — and
 * in arrival order per client. A refused reading is acknowledged too (it is recorded, and resending it would not make it valid).
 */
export class IngestService {
  private readonly clients = new WeakMap<PublishingClient, ClientState>();
  private accepting = true;

  constructor(
    private readonly limits: ValidationLimits,
    /** Asked per message: an admin's catalogue change is in force for the next message on every connection. */
    private readonly catalogue: CatalogueSource,
    private readonly writer: ReadingWriter,
    /** Resolves once the letters are committed (DeadLetterWriter.record): the message is acknowledged only then. */
    private readonly recordDeadLetters: (letters: readonly NewDeadLetter[]) => Promise<void>,
    private readonly presence: DevicePresence,
    private readonly stats: IngestStats,
    private readonly logger: HubLogger,
    private readonly deduper: SeqDeduper = new SeqDeduper(0),
    /** Extra InfluxDB tags of a device (its town and site, from the registry): an in-memory lookup per message. */
    private readonly deviceTags: (deviceId: string) => TagSet = () => [],
    /** Devices with a profile have their payloads decoded before validation. */
    private readonly decoding: PayloadDecoding = CONTRACT_ONLY,
  ) {}

  /** Stops taking new messages (graceful shutdown): they are refused without PUBACK, so devices resend later. */
  stopAccepting(): void {
    this.accepting = false;
  }

  /**
   * Takes one PUBLISH. Returns false when the message held nothing valid, so the broker does not forward it to
   * subscribers (another department's system should not receive what the contract refused).
   */
  handlePublish(client: PublishingClient, topic: string, payload: Uint8Array, done: AckCallback, notForwarded: () => void = () => undefined): boolean {
    const taken = this.take(client, topic, payload, done, notForwarded);
    // A decoded message is known to hold nothing valid only later; `notForwarded` is then called before its PUBACK.
    return taken instanceof Promise ? true : taken.forward;
  }

  /**
   * One message posted over HTTP: exactly the steps of a PUBLISH (validation, dead letters, de-duplication,
   * accounting, the writer), answered with what became of each entry. The receipt is known at once; `done` runs
   * when all of it is durable — the moment a PUBACK would be sent — or with an error when nothing may be promised
   * (shutting down, the dead-letter store failing), as handlePublish's callback does.
   */
  handlePost(client: PublishingClient, topic: string, payload: Uint8Array, done: AckCallback): IngestReceipt | Promise<IngestReceipt> {
    const taken = this.take(client, topic, payload, done);
    return taken instanceof Promise ? taken.then(receiptOf) : receiptOf(taken);
  }

  /**
   * A message for a device the caller has already identified and admitted (a LoRaWAN uplink, found by DevEUI), in
   * its profile's format: decoded, validated, de-duplicated and written like any other, `done` when durable.
   * `topic` is what its dead letters say it came on.
   */
  handleDecodable(client: PublishingClient, address: DeviceAddress, topic: string, payload: Uint8Array, message: DecodableMessage, done: AckCallback): Promise<IngestReceipt> {
    if (!this.accepting) {
      done(new Error('service is shutting down'));
      return Promise.resolve(NOTHING_TAKEN);
    }
    const settle = this.stateOf(client).acks.reserve(done);
    const receivedAt = Date.now();
    try {
      const decoding = this.decoding.decoderOf(address.deviceId);
      if (decoding === null) {
        const detail = `device ${address.deviceId} has no device profile: its payloads cannot be decoded (PATCH its profileId)`;
        return Promise.resolve(this.refuseWhole(client.id, address, topic, payload, receivedAt, 'PROFILE_UNKNOWN', detail, settle));
      }
      return this.decodeThenAccept(client, address, topic, payload, receivedAt, decoding, message, settle).then(receiptOf);
    } catch (error) {
      this.logger.error({ msg: 'Could not process a message', clientId: client.id, topic, error });
      settle(error instanceof Error ? error : new Error(String(error)));
      return Promise.resolve(NOTHING_TAKEN);
    }
  }

  /**
   * Values the hub read from a message itself rather than decoded (a LoRaWAN status event's battery level and link
   * margin): kept as one reading at `eventTime` for the metrics the device's domain has, validated like any other;
   * none of them in the catalogue → nothing to store, acknowledged. `done` when durable.
   */
  handleMeasured(client: PublishingClient, address: DeviceAddress, topic: string, payload: Uint8Array, metrics: Readonly<Record<string, number>>, eventTime: number, done: AckCallback): Promise<IngestReceipt> {
    if (!this.accepting) {
      done(new Error('service is shutting down'));
      return Promise.resolve(NOTHING_TAKEN);
    }
    const settle = this.stateOf(client).acks.reserve(done);
    try {
      const catalogue = this.catalogue.current();
      const kept = Object.entries(metrics).filter(([name]) => inForce(catalogue, address.domain, name));
      if (kept.length === 0) {
        settle();
        return Promise.resolve(NOTHING_TAKEN);
      }
      const receivedAt = Date.now();
      const result = validateTelemetry(address, decodedPayload([{ ts: eventTime, metrics: Object.fromEntries(kept) }], eventTime), receivedAt, this.limits, catalogue);
      return Promise.resolve(receiptOf(this.accept(client, address, topic, payload, receivedAt, result, settle)));
    } catch (error) {
      this.logger.error({ msg: 'Could not process a message', clientId: client.id, topic, error });
      settle(error instanceof Error ? error : new Error(String(error)));
      return Promise.resolve(NOTHING_TAKEN);
    }
  }

  /** One message, however it came: routed in arrival order; never throws (into the broker or the HTTP handler). */
  private take(client: PublishingClient, topic: string, payload: Uint8Array, done: AckCallback, notForwarded: () => void = NO_VETO): Taken | Promise<Taken> {
    if (!this.accepting) {
      done(new Error('service is shutting down'));
      return NOT_TAKEN;
    }
    const state = this.stateOf(client);
    const settle = state.acks.reserve(done);
    try {
      return this.route(client, state.parseTopic(topic, this.catalogue.current()), topic, payload, settle, notForwarded);
    } catch (error) {
      // A failure here refuses the message without PUBACK or 2xx, so the device keeps it and resends (as does a dead
      // letter that could not be recorded: see settleWhenRecorded).
      this.logger.error({ msg: 'Could not process a message', clientId: client.id, topic, error });
      settle(error instanceof Error ? error : new Error(String(error)));
      return NOT_TAKEN;
    }
  }

  /** A message refused by the access policy: dead-lettered with its reason and acknowledged in arrival order, never stored. */
  refusePublish(client: PublishingClient, topic: string, payload: Uint8Array, refusal: PublishRefusal, done: AckCallback): void {
    if (!this.accepting) {
      done(new Error('service is shutting down'));
      return;
    }
    const settle = this.stateOf(client).acks.reserve(done);
    this.settleWhenRecorded(this.recordRejections(client.id, topic, payload, Date.now(), refusal.deviceId, refusal.domain, [{ reason: refusal.reason, detail: refusal.detail }]), settle, client.id, topic);
  }

  /**
   * Acknowledges a message once its dead letters are committed: a PUBACK (or 2xx) of a refused message means its dead
   * letter is recorded. If they cannot be (the hub stops while the database is down), the message is not acknowledged
   * and the device resends it.
   */
  private settleWhenRecorded(recorded: Promise<void>, settle: AckCallback, clientId: string, topic: string): void {
    recorded.then(
      () => settle(),
      (error: unknown) => {
        this.logger.error({ msg: 'Could not record a refused message; it is not acknowledged', clientId, topic, error });
        settle(error instanceof Error ? error : new Error(String(error)));
      },
    );
  }

  /**
   * A message with valid and refused entries (rare, so closures are fine): acknowledged once the writer has its
   * readings durable (the returned callback) and its dead letters are committed. Joined at once, so that a failed
   * record has its handler before the writer is done.
   */
  private bothDurable(recorded: Promise<void>, settle: AckCallback, clientId: string, topic: string): () => void {
    let written = (): void => undefined;
    const readings = new Promise<void>((resolve) => (written = resolve));
    this.settleWhenRecorded(
      Promise.all([recorded, readings]).then(() => undefined),
      settle,
      clientId,
      topic,
    );
    return written;
  }

  private stateOf(client: PublishingClient): ClientState {
    let state = this.clients.get(client);
    if (state === undefined) this.clients.set(client, (state = new ClientState()));
    return state;
  }

  private route(client: PublishingClient, parsed: TopicParse, topic: string, payload: Uint8Array, settle: AckCallback, notForwarded: () => void): Taken | Promise<Taken> {
    const clientId = client.id;
    const receivedAt = Date.now();
    if (!parsed.ok) {
      this.settleWhenRecorded(this.refuseMessage(clientId, topic, payload, receivedAt, parsed.reason, parsed.detail), settle, clientId, topic);
      return { forward: false, ...NOTHING_TAKEN, refused: [{ reason: parsed.reason, detail: parsed.detail }] };
    }
    const { address } = parsed;
    if (parsed.kind === 'status') {
      const status = Buffer.from(payload).toString('utf8').trim().toLowerCase();
      const known = status === 'online' || status === 'offline';
      const refused: Rejection[] = [];
      if (known) {
        this.presence.recordStatus(address, clientId, receivedAt, status === 'online');
        settle();
      } else {
        refused.push({ reason: 'STATUS_INVALID', detail: `status must be "online" or "offline", got ${JSON.stringify(status.slice(0, 32))}` });
        this.settleWhenRecorded(this.recordRejections(clientId, topic, payload, receivedAt, address.deviceId, address.domain, refused), settle, clientId, topic);
      }
      return { forward: known, ...NOTHING_TAKEN, refused };
    }

    const decoding = this.decoding.decoderOf(address.deviceId);
    if (decoding !== null) {
      const message: DecodableMessage = { input: { bytes: payload, receivedAt: new Date(receivedAt) }, eventTime: receivedAt };
      return this.decodeThenAccept(client, address, topic, payload, receivedAt, decoding, message, settle, notForwarded);
    }
    return this.accept(client, address, topic, payload, receivedAt, validateTelemetry(address, payload, receivedAt, this.limits, this.catalogue.current()), settle);
  }

  /**
   * A vendor payload through its profile's decoder, then the contract's validation of what came out. Only this
   * message waits for the decoder; its PUBACK keeps its place in the client's order. A refusal is dead-lettered
   * with the raw payload, so the message can be decoded again once the profile is fixed.
   */
  private async decodeThenAccept(
    client: PublishingClient,
    address: DeviceAddress,
    topic: string,
    payload: Uint8Array,
    receivedAt: number,
    decoding: ProfileDecoder | { readonly missing: string },
    message: DecodableMessage,
    settle: AckCallback,
    notForwarded: () => void = NO_VETO,
  ): Promise<Taken> {
    try {
      if ('missing' in decoding) {
        const detail = `device ${address.deviceId} names device profile ${decoding.missing}, which does not exist (any more)`;
        return this.refuseWhole(client.id, address, topic, payload, receivedAt, 'PROFILE_UNKNOWN', detail, settle, notForwarded);
      }
      const profileId = decoding.profile.id;
      if (decoding.profile.networkServerObject && message.networkServerObject === undefined) {
        const detail = `profile ${profileId} decodes the network server's decoded object, and this message has none (is the codec set in the network server's device profile?)`;
        return this.refuseWhole(client.id, address, topic, payload, receivedAt, 'DECODER_ERROR', detail, settle, notForwarded);
      }
      const input = decoding.profile.networkServerObject ? { ...message.input, json: message.networkServerObject } : message.input;
      const outcome = await decoding.decode(input);
      if (isRefusal(outcome)) return this.refuseWhole(client.id, address, topic, payload, receivedAt, outcome.reason, `profile ${profileId}: ${outcome.detail}`, settle, notForwarded);
      // One snapshot for the message: the extra metrics kept and the validation see the same catalogue.
      const catalogue = this.catalogue.current();
      const readings = withExtraMetrics(outcome.readings, message, (name) => inForce(catalogue, address.domain, name));
      const result = validateTelemetry(address, decodedPayload(readings, message.eventTime, message.seq), receivedAt, this.limits, catalogue);
      // Dead letters keep the vendor's raw payload (what can be decoded again), the detail what the decoder made of it.
      const rejections = result.rejections.map(({ reason, detail, index }) => ({ reason, detail: `${detail} (decoded by profile ${profileId})`, ...(index === undefined ? {} : { index }) }));
      return this.accept(client, address, topic, payload, receivedAt, { readings: result.readings, rejections }, settle, notForwarded);
    } catch (error) {
      this.logger.error({ msg: 'Could not process a decoded message', clientId: client.id, topic, error });
      settle(error instanceof Error ? error : new Error(String(error)));
      return NOT_TAKEN;
    }
  }

  private refuseWhole(
    clientId: string,
    address: DeviceAddress,
    topic: string,
    payload: Uint8Array,
    receivedAt: number,
    reason: RejectReason,
    detail: string,
    settle: AckCallback,
    notForwarded: () => void = NO_VETO,
  ): Taken {
    const recorded = this.recordRejections(clientId, topic, payload, receivedAt, address.deviceId, address.domain, [{ reason, detail }]);
    notForwarded();
    this.settleWhenRecorded(recorded, settle, clientId, topic);
    return { forward: false, ...NOTHING_TAKEN, refused: [{ reason, detail }] };
  }

  /** Validated readings: rejections dead-lettered, resends dropped, the rest to the writer (settled when durable). */
  /** `notForwarded` is told before the acknowledgement when the message held nothing valid (the broker keeps it from subscribers). */
  private accept(
    client: PublishingClient,
    address: DeviceAddress,
    topic: string,
    payload: Uint8Array,
    receivedAt: number,
    result: ValidationResult,
    settle: AckCallback,
    notForwarded: () => void = NO_VETO,
  ): Taken {
    const clientId = client.id;
    const recorded = result.rejections.length > 0 ? this.recordRejections(clientId, topic, payload, receivedAt, address.deviceId, address.domain, result.rejections) : null;
    this.stats.received += result.readings.length;
    const readings = result.readings.filter((reading) => !this.deduper.isResend(reading));
    const duplicates = result.readings.length - readings.length;
    this.stats.duplicates += duplicates;
    if (readings.length === 0) {
      if (result.readings.length === 0) notForwarded();
      if (recorded === null) settle();
      else this.settleWhenRecorded(recorded, settle, clientId, topic);
      return { forward: result.readings.length > 0, accepted: 0, duplicates, refused: result.rejections };
    }
    if (client.connectionless === true) this.presence.recordPostedReadings(address, receivedAt, readings);
    else this.presence.recordReadings(address, clientId, receivedAt, readings);
    const tags = this.deviceTags(address.deviceId);
    const lines = readings.map((reading) => readingToLine(reading, tags));
    // `settle` itself, not a closure around it: whatever the writer holds until the batch is durable, the GC copies.
    this.writer.offer({ topic, deviceId: address.deviceId, domain: address.domain, clientId }, lines, recorded === null ? settle : this.bothDurable(recorded, settle, clientId, topic));
    return { forward: true, accepted: readings.length, duplicates, refused: result.rejections };
  }

  /** A packet the broker refused by its size alone, before reading it: recorded without its payload. */
  refuseOversizedPacket(clientId: string | undefined, remoteAddress: string | undefined, detail: string): void {
    // Nothing is acknowledged for it (the connection is closed): the letter is written in the background.
    this.recordRejections(clientId ?? `(not connected: ${remoteAddress ?? 'unknown address'})`, '(not read)', new Uint8Array(0), Date.now(), undefined, undefined, [
      { reason: 'PAYLOAD_TOO_LARGE', detail },
    ]).catch((error: unknown) => this.logger.error({ msg: 'Could not record an oversized packet', clientId, error }));
  }

  private refuseMessage(clientId: string, topic: string, payload: Uint8Array, receivedAt: number, reason: RejectReason, detail: string): Promise<void> {
    return this.recordRejections(clientId, topic, payload, receivedAt, undefined, undefined, [{ reason, detail }]);
  }

  private recordRejections(
    clientId: string,
    topic: string,
    payload: Uint8Array,
    receivedAt: number,
    deviceId: string | undefined,
    domain: string | undefined,
    rejections: readonly Rejection[],
  ): Promise<void> {
    const letters: NewDeadLetter[] = rejections.map((rejection) => ({
      receivedAt,
      reason: rejection.reason,
      detail: rejection.detail,
      topic: topic.slice(0, 512),
      clientId,
      deviceId,
      domain,
      batchIndex: rejection.index,
      payload: rejection.entry ?? payload,
    }));
    // Counted once committed, and acknowledged after that (settleWhenRecorded): if it fails, neither happens.
    return this.recordDeadLetters(letters).then(() => {
      this.stats.received += rejections.length;
      for (const rejection of rejections) this.stats.reject(rejection.reason);
    });
  }
}
