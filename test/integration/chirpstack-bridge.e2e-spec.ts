import { SILENT_LOGGER } from '@hub/common';
import { ChirpStackBridge, defaultClientId, type NetworkServerConnection, type UplinkSink, type UplinkSource } from '@hub/lorawan';
import { connectAsync, type MqttClient } from 'mqtt';
import { chirpStackUpEvent, chirpStackUpTopic, testDevEui } from '../harness/chirpstack-events';
import { MosquittoProcess } from '../harness/mosquitto-process';
import { waitFor } from '../harness/wait-for';

/**
 * The ChirpStack v4 bridge against a real external broker (Debian's mosquitto): what the network server sends
 * reaches the sink once, the PUBACK waits for the sink's answer, and what was not acknowledged comes again.
 */
const HUB = { user: 'county-hub', password: 'hub-secret' };
const NETWORK_SERVER = { user: 'chirpstack', password: 'ns-secret' };
const INFLIGHT = 20;
/** ChirpStackBridge's default limit of held PUBACKs. */
const MAX_IN_FLIGHT = 100;

/** What the sink should do with one delivery: answer durable after `delayMs`, refuse, or never answer. */
type Answer = { readonly durableAfterMs: number } | { readonly refuse: string } | 'never';

interface Delivery {
  readonly topic: string;
  readonly kind: UplinkSource['event']['kind'];
  readonly devEui?: string;
  readonly fCnt?: number;
  readonly bytesHex?: string;
  readonly reason?: string;
  readonly detail?: string;
  readonly eventType?: string;
  readonly redelivered: boolean;
}

/** Our test sink: records what it gets and answers as told, after a delay. */
class RecordingSink implements UplinkSink {
  readonly deliveries: Delivery[] = [];
  private unanswered = 0;
  maxUnanswered = 0;

  constructor(private readonly answer: (delivery: Delivery, nth: number) => Answer) {}

  take(source: UplinkSource, done: (error?: Error) => void): void {
    const { event } = source;
    const delivery: Delivery = {
      topic: source.topic,
      kind: event.kind,
      redelivered: source.redelivered,
      ...(source.eventType === undefined ? {} : { eventType: source.eventType }),
      ...(event.kind === 'uplink' ? { devEui: event.uplink.devEui, fCnt: event.uplink.fCnt, bytesHex: Buffer.from(event.uplink.bytes).toString('hex') } : {}),
      ...(event.kind === 'refused' ? { reason: event.reason, detail: event.detail } : {}),
    };
    this.deliveries.push(delivery);
    const answer = this.answer(delivery, this.deliveries.length);
    if (answer === 'never') return;
    this.unanswered++;
    this.maxUnanswered = Math.max(this.maxUnanswered, this.unanswered);
    const delayMs = 'refuse' in answer ? 1 : answer.durableAfterMs;
    setTimeout(() => {
      this.unanswered--;
      done('refuse' in answer ? new Error(answer.refuse) : undefined);
    }, delayMs);
  }

  uplinks(): Delivery[] {
    return this.deliveries.filter((delivery) => delivery.kind === 'uplink');
  }
}

describe('ChirpStack v4 bridge (real mosquitto)', () => {
  let mosquitto: MosquittoProcess;
  let publisher: MqttClient;
  const bridges: ChirpStackBridge[] = [];

  beforeAll(async () => {
    mosquitto = await MosquittoProcess.start({ users: { [HUB.user]: HUB.password, [NETWORK_SERVER.user]: NETWORK_SERVER.password }, maxInflightMessages: INFLIGHT });
    publisher = await connectAsync(mosquitto.url, { clientId: 'chirpstack-ns', username: NETWORK_SERVER.user, password: NETWORK_SERVER.password, reconnectPeriod: 0 });
  });

  afterEach(async () => {
    await Promise.all(bridges.splice(0).map((bridge) => bridge.stop(0)));
  });

  afterAll(async () => {
    await publisher?.endAsync(true);
    await mosquitto?.cleanup();
  });

  function connection(name: string, applicationId: string): NetworkServerConnection {
    return {
      name,
      kind: 'chirpstack-v4',
      url: mosquitto.url,
      username: HUB.user,
      password: HUB.password,
      tls: { ca: null, rejectUnauthorized: true },
      applicationIds: [applicationId],
      clientId: defaultClientId(name),
      enabled: true,
    };
  }

  async function startBridge(name: string, applicationId: string, sink: UplinkSink): Promise<ChirpStackBridge> {
    const bridge = new ChirpStackBridge({ connection: connection(name, applicationId), sink, logger: SILENT_LOGGER, backoff: { initialMs: 100, maxMs: 400 } });
    bridges.push(bridge);
    bridge.start();
    await waitFor(async () => bridge.status(), (status) => status.state === 'connected', 10_000, `bridge ${name} connected`);
    return bridge;
  }

  async function stopNow(bridge: ChirpStackBridge): Promise<void> {
    bridges.splice(bridges.indexOf(bridge), 1);
    await bridge.stop(0);
  }

  function frame(device: number, fCnt: number): Uint8Array {
    return Uint8Array.of(0x01, device, fCnt >> 8, fCnt & 0xff, 0xa5);
  }

  async function publishUps(applicationId: string, devices: number, perDevice: number): Promise<void> {
    const sends: Promise<unknown>[] = [];
    for (let fCnt = 0; fCnt < perDevice; fCnt++) {
      for (let device = 0; device < devices; device++) {
        const devEui = testDevEui(device);
        sends.push(publisher.publishAsync(chirpStackUpTopic(applicationId, devEui), chirpStackUpEvent({ applicationId, devEui, fCnt, bytes: frame(device, fCnt) }), { qos: 1 }));
      }
    }
    await Promise.all(sends);
  }

  const key = (delivery: Delivery): string => `${delivery.devEui}/${delivery.fCnt}`;

  it('hands 500 up events from 20 devices to the sink exactly once each, several in flight at a time, and acknowledges them all', async () => {
    const sink = new RecordingSink((_delivery, nth) => ({ durableAfterMs: nth % 7 }));
    const bridge = await startBridge('burst', 'app-burst', sink);
    await publishUps('app-burst', 20, 25);
    await waitFor(async () => bridge.status().counters, (counters) => counters.acknowledged === 500, 30_000, '500 acknowledgements');

    const uplinks = sink.uplinks();
    expect(uplinks).toHaveLength(500);
    expect(new Set(uplinks.map(key)).size).toBe(500);
    for (const uplink of uplinks) {
      const device = parseInt(uplink.devEui!.slice(10), 16);
      expect(uplink.devEui).toBe(testDevEui(device));
      expect(uplink.bytesHex).toBe(Buffer.from(frame(device, uplink.fCnt!)).toString('hex'));
      expect(uplink.redelivered).toBe(false);
    }
    expect(new Set(uplinks.map((uplink) => uplink.devEui)).size).toBe(20);
    // MQTT.js's one-at-a-time pump was not held by the held PUBACKs: many messages reached the sink at once, never
    // more than the bridge's own limit (mosquitto 2.0.11 stops keeping to its max_inflight_messages after the
    // first PUBACK: its log shows 20 sent, PUBACK m1, then every queued message at once).
    expect(sink.maxUnanswered).toBeGreaterThan(1);
    expect(sink.maxUnanswered).toBeLessThanOrEqual(MAX_IN_FLIGHT);
    expect(bridge.status()).toMatchObject({ state: 'connected', connected: true, inFlight: 0, counters: { received: 500, acknowledged: 500, refusedUnacknowledged: 0 } });

    // Everything was acknowledged: the same session, reconnected, has nothing to deliver again.
    await stopNow(bridge);
    const again = new RecordingSink(() => ({ durableAfterMs: 0 }));
    const second = await startBridge('burst', 'app-burst', again);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(second.status().sessionPresent).toBe(true);
    expect(again.deliveries).toEqual([]);
  });

  it('holds each PUBACK until the sink answers: a crash leaves exactly the unacknowledged messages for the next session', async () => {
    // fCnt 5 and 12 are never answered, everything else at once. PUBACKs go out in arrival order [MQTT-4.6.0-2],
    // so 0–4 are acknowledged and 5 holds back those behind it, answered or not.
    const sink = new RecordingSink((delivery) => (delivery.fCnt === 5 || delivery.fCnt === 12 ? 'never' : { durableAfterMs: 0 }));
    const bridge = await startBridge('held', 'app-held', sink);
    await publishUps('app-held', 1, 40);
    await waitFor(async () => bridge.status().counters.acknowledged, (count) => count === 5, 10_000, '5 acknowledgements');
    await new Promise((resolve) => setTimeout(resolve, 500));
    const firstSeen = sink.uplinks().map((uplink) => uplink.fCnt!);
    // Each message once, in order; how many beyond 0–4 the broker sent before the crash is its inflight window's
    // business (at least its 20).
    expect(firstSeen).toEqual(range(0, firstSeen.length));
    expect(firstSeen.length).toBeGreaterThanOrEqual(5 + INFLIGHT);
    expect(bridge.status()).toMatchObject({ inFlight: firstSeen.length - 5, counters: { received: firstSeen.length, acknowledged: 5, refusedUnacknowledged: 0 } });

    await bridge.abort();
    bridges.splice(bridges.indexOf(bridge), 1);
    const next = new RecordingSink(() => ({ durableAfterMs: 1 }));
    const second = await startBridge('held', 'app-held', next);
    await waitFor(async () => second.status().counters.acknowledged, (count) => count === 35, 10_000, '35 acknowledgements on the new session');
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Exactly the 35 unacknowledged ones, in order, once each: those sent before (DUP set), then the rest. None of 0–4.
    expect(next.uplinks().map((uplink) => uplink.fCnt)).toEqual(range(5, 40));
    expect(next.uplinks().map((uplink) => uplink.redelivered)).toEqual(range(5, 40).map((fCnt) => fCnt < firstSeen.length));
    expect(second.status().counters).toEqual({ received: 35, acknowledged: 35, refusedUnacknowledged: 0 });
  });

  it('leaves a message the sink refuses unacknowledged, reconnects, and takes it again', async () => {
    let refusals = 0;
    const sink = new RecordingSink((delivery) => {
      if (delivery.fCnt === 3 && refusals === 0) {
        refusals++;
        return { refuse: 'spool full' };
      }
      return { durableAfterMs: 5 };
    });
    const bridge = await startBridge('refusal', 'app-refusal', sink);
    await publishUps('app-refusal', 1, 10);
    await waitFor(async () => bridge.status(), (status) => status.counters.acknowledged === 10 && status.state === 'connected', 10_000, '10 acknowledgements after a reconnect');

    const uplinks = sink.uplinks();
    // 0–2 were acknowledged before the refusal and never come again; 3 comes twice (refused, then taken), and what
    // followed it on the dropped connection comes again too, DUP set.
    expect(uplinks.filter((uplink) => uplink.fCnt! < 3).map((uplink) => uplink.fCnt)).toEqual([0, 1, 2]);
    expect(uplinks.filter((uplink) => uplink.fCnt === 3).map((uplink) => uplink.redelivered)).toEqual([false, true]);
    expect(new Set(uplinks.map((uplink) => uplink.fCnt))).toEqual(new Set(range(0, 10)));
    const status = bridge.status();
    expect(status.counters.refusedUnacknowledged).toBe(1);
    expect(status.counters.acknowledged).toBe(10);
    expect(status.lastError?.message).toBe('the sink refused a message: spool full');
    expect(status.sessionPresent).toBe(true);

    await stopNow(bridge);
    const after = new RecordingSink(() => ({ durableAfterMs: 0 }));
    await startBridge('refusal', 'app-refusal', after);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(after.deliveries).toEqual([]);
  });

  it('hands garbage to the sink as refused events, acknowledges it, and stays connected', async () => {
    const sink = new RecordingSink(() => ({ durableAfterMs: 0 }));
    const bridge = await startBridge('garbage', 'app-garbage', sink);
    const devEui = testDevEui(1);
    const up = chirpStackUpTopic('app-garbage', devEui);
    const huge = JSON.stringify({ padding: 'x'.repeat(300 * 1024) });
    const sends: Array<[string, string | Buffer]> = [
      [up, 'not json at all'],
      [up, Buffer.from([0xff, 0xfe, 0x00, 0x7b])],
      ['application/app-garbage/device/not-a-dev-eui/event/up', chirpStackUpEvent({ applicationId: 'app-garbage', devEui, fCnt: 1, bytes: Uint8Array.of(1) })],
      [up, chirpStackUpEvent({ applicationId: 'app-garbage', devEui: testDevEui(2), fCnt: 1, bytes: Uint8Array.of(1) })],
      [up, huge],
      [chirpStackUpTopic('app-garbage', devEui, 'join'), JSON.stringify({ deviceInfo: { devEui }, devAddr: '01a2b3c4' })],
      [chirpStackUpTopic('app-garbage', devEui, 'bogus'), JSON.stringify({ deviceInfo: { devEui } })],
      [up, chirpStackUpEvent({ applicationId: 'app-garbage', devEui, fCnt: 7, bytes: Uint8Array.of(0xca, 0xfe) })],
    ];
    for (const [topic, payload] of sends) await publisher.publishAsync(topic, payload, { qos: 1 });
    await waitFor(async () => bridge.status().counters.acknowledged, (count) => count === sends.length, 10_000, `${sends.length} acknowledgements`);

    expect(sink.deliveries.map(({ kind, reason, eventType }) => ({ kind, reason, eventType }))).toEqual([
      { kind: 'refused', reason: 'EVENT_NOT_JSON', eventType: 'up' },
      { kind: 'refused', reason: 'EVENT_NOT_JSON', eventType: 'up' },
      { kind: 'refused', reason: 'EVENT_MALFORMED', eventType: undefined },
      { kind: 'refused', reason: 'EVENT_MALFORMED', eventType: 'up' },
      { kind: 'refused', reason: 'EVENT_MALFORMED', eventType: 'up' },
      { kind: 'not-uplink', reason: undefined, eventType: 'join' },
      { kind: 'refused', reason: 'EVENT_MALFORMED', eventType: 'bogus' },
      { kind: 'uplink', reason: undefined, eventType: 'up' },
    ]);
    expect(sink.deliveries[2]!.detail).toBe('topic "application/app-garbage/device/not-a-dev-eui/event/up" is not application/{applicationId}/device/{devEui}/event/{type}');
    expect(sink.deliveries[3]!.detail).toBe(`deviceInfo.devEui ${testDevEui(2)} is not the topic's ${devEui}`);
    expect(sink.deliveries[4]!.detail).toBe(`the event is ${Buffer.byteLength(huge)} bytes, more than the 262144 a ChirpStack event may be here`);
    expect(sink.deliveries[6]!.detail).toBe('unknown ChirpStack event type "bogus"');
    expect(sink.deliveries[7]).toMatchObject({ devEui, fCnt: 7, bytesHex: 'cafe' });
    expect(bridge.status()).toMatchObject({ state: 'connected', connected: true, lastError: null, counters: { received: 8, acknowledged: 8, refusedUnacknowledged: 0 } });
  });
});

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, index) => from + index);
}
