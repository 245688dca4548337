import { readFileSync } from 'node:fs';
import path from 'node:path';
import { RecordingLogger } from '@hub/common/testing';
import type { BrokerSession, BrokerSessionEvents, BrokerSessionOptions, OpenBrokerSession } from './broker-session';
import { ChirpStackBridge } from './chirpstack-bridge';
import { parseNewNetworkServer } from './network-server-connection.input';
import type { UplinkSink, UplinkSource } from './uplink-sink';

const UP_EVENT = readFileSync(path.join(__dirname, '../../decoders/src/fixtures/chirpstack-v4-up.json'));
const DEV_EUI = '70b3d5e75e00a017';
const UP_TOPIC = `application/17c82e96-be03-4f38-aef3-f83d48582d97/device/${DEV_EUI}/event/up`;

/** One fake connection: what the bridge subscribed, acknowledged and how it closed it. */
class FakeSession implements BrokerSession {
  readonly subscribed: string[][] = [];
  readonly unsubscribed: string[][] = [];
  readonly acknowledged: number[] = [];
  readonly published: Array<[string, string]> = [];
  closedWith: 'disconnect' | 'drop' | undefined;
  /** Whether MQTT.js would read the next packet after each delivery. */
  readonly readOn: boolean[] = [];

  constructor(
    private readonly events: BrokerSessionEvents,
    readonly sessionPresent: boolean,
  ) {}

  get open(): boolean {
    return this.closedWith === undefined;
  }

  publish(topic: string, payload: string): Promise<void> {
    this.published.push([topic, payload]);
    return Promise.resolve();
  }

  deliver(messageId: number | undefined, options: { topic?: string; payload?: Uint8Array; qos?: 0 | 1; dup?: boolean } = {}): void {
    const index = this.readOn.push(false) - 1;
    this.events.onMessage(
      { topic: options.topic ?? UP_TOPIC, payload: options.payload ?? UP_EVENT, qos: options.qos ?? 1, messageId, redelivered: options.dup ?? false },
      () => (this.readOn[index] = true),
    );
  }

  /** The broker or the network drops the connection. */
  lose(): void {
    this.closedWith = 'drop';
    this.events.onClose(new Error('read ECONNRESET'));
  }

  async subscribe(filters: readonly string[]): Promise<void> {
    this.subscribed.push([...filters]);
  }

  async unsubscribe(filters: readonly string[]): Promise<void> {
    this.unsubscribed.push([...filters]);
  }

  acknowledge(messageId: number, written: () => void): boolean {
    if (!this.open) return false;
    this.acknowledged.push(messageId);
    written();
    return true;
  }

  async close(force: boolean): Promise<void> {
    this.closedWith = force ? 'drop' : 'disconnect';
  }
}

/** Hands out fake sessions, or refuses to connect while `refusing` holds an error. */
class FakeBroker {
  readonly sessions: FakeSession[] = [];
  readonly options: BrokerSessionOptions[] = [];
  refusing: Error | undefined;

  readonly open: OpenBrokerSession = async (options, events) => {
    this.options.push(options);
    if (this.refusing !== undefined) throw this.refusing;
    const session = new FakeSession(events, this.sessions.length > 0);
    this.sessions.push(session);
    events.onOpen(session);
    return session;
  };

  get last(): FakeSession {
    return this.sessions.at(-1)!;
  }
}

/** Keeps every delivery with its done, to answer when the test says. */
class HeldSink implements UplinkSink {
  readonly taken: Array<{ source: UplinkSource; done: (error?: Error) => void }> = [];

  take(source: UplinkSource, done: (error?: Error) => void): void {
    this.taken.push({ source, done });
  }
}

const CONNECTION = parseNewNetworkServer({ name: 'north', kind: 'chirpstack-v4', url: 'mqtt://ns.example', username: 'hub', password: 'secret', applicationIds: ['17c82e96-be03-4f38-aef3-f83d48582d97'] });
const settle = () => new Promise((resolve) => setTimeout(resolve, 5));

/** Polls until `done` holds (a back-off timer fires when a loaded CI core gets to it, not after a fixed 5 ms). */
async function until(done: () => boolean, what: string, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await settle();
  }
}

describe('ChirpStackBridge', () => {
  let broker: FakeBroker;
  let sink: HeldSink;
  let logger: RecordingLogger;
  let bridge: ChirpStackBridge;

  function startBridge(sinkUsed: UplinkSink = sink, maxInFlight?: number): ChirpStackBridge {
    bridge = new ChirpStackBridge({
      connection: CONNECTION,
      sink: sinkUsed,
      logger,
      openSession: broker.open,
      backoff: { initialMs: 1, maxMs: 1 },
      now: () => new Date('2026-12-05T08:00:00Z'),
      ...(maxInFlight === undefined ? {} : { maxInFlight }),
    });
    bridge.start();
    return bridge;
  }

  beforeEach(() => {
    broker = new FakeBroker();
    sink = new HeldSink();
    logger = new RecordingLogger();
  });

  afterEach(async () => {
    await bridge?.stop(0);
  });

  it('connects with the stable client id and credentials, without clean session, and subscribes to its applications', async () => {
    startBridge();
    await settle();
    expect(broker.options).toEqual([{ url: 'mqtt://ns.example', clientId: 'county-hub-north', username: 'hub', password: 'secret', ca: null, rejectUnauthorized: true, connectTimeoutMs: 30_000, keepaliveSeconds: 60 }]);
    expect(broker.last.subscribed).toEqual([['application/17c82e96-be03-4f38-aef3-f83d48582d97/device/+/event/+']]);
    expect(bridge.status()).toMatchObject({ state: 'connected', connected: true, sessionPresent: false, connectedSince: '2026-12-05T08:00:00.000Z' });
    expect(JSON.stringify(logger.entries)).not.toContain('secret');
  });

  it('adapts each event with the topic’s type and DevEUI, and hands the raw payload on', async () => {
    startBridge();
    await settle();
    broker.last.deliver(1, { dup: true });
    const { source } = sink.taken[0]!;
    expect(source).toMatchObject({ connection: 'north', topic: UP_TOPIC, eventType: 'up', redelivered: true });
    expect(source.payload).toBe(UP_EVENT);
    expect(source.event.kind === 'uplink' && source.event.uplink).toMatchObject({ devEui: DEV_EUI, fCnt: 1842, fPort: 2 });
  });

  it('reads on while PUBACKs are held, and sends them in arrival order once the sink answers', async () => {
    startBridge();
    await settle();
    const session = broker.last;
    [1, 2, 3].forEach((id) => session.deliver(id));
    expect(session.readOn).toEqual([true, true, true]);
    sink.taken[2]!.done();
    sink.taken[1]!.done();
    expect(session.acknowledged).toEqual([]);
    expect(bridge.status().inFlight).toBe(3);
    sink.taken[0]!.done();
    expect(session.acknowledged).toEqual([1, 2, 3]);
    expect(bridge.status()).toMatchObject({ inFlight: 0, counters: { received: 3, acknowledged: 3, refusedUnacknowledged: 0 } });
  });

  it('leaves a refused message and those behind it unacknowledged, disconnects, and takes them again on a new connection', async () => {
    startBridge();
    await settle();
    const first = broker.last;
    [1, 2, 3].forEach((id) => first.deliver(id));
    sink.taken[0]!.done();
    sink.taken[1]!.done(new Error('spool full'));
    expect(first.acknowledged).toEqual([1]);
    // A DISCONNECT, not a dropped socket: the PUBACK of 1 already written must reach the broker.
    expect(first.closedWith).toBe('disconnect');
    sink.taken[2]!.done();
    expect(first.acknowledged).toEqual([1]);
    await until(() => broker.sessions.length === 2 && bridge.status().state === 'connected', 'the reconnection');
    expect(broker.sessions).toHaveLength(2);
    expect(bridge.status()).toMatchObject({
      state: 'connected',
      lastError: { at: '2026-12-05T08:00:00.000Z', message: 'the sink refused a message: spool full' },
      counters: { received: 3, acknowledged: 1, refusedUnacknowledged: 1 },
    });
    expect(logger.messages('warn')).toContain('Uplink not durable: left unacknowledged for the broker to deliver again');
  });

  it('treats a throwing sink as a refusal: counted, logged, unacknowledged, never thrown at MQTT.js', async () => {
    startBridge({
      take: () => {
        throw new Error('sink bug');
      },
    });
    await settle();
    const session = broker.last;
    expect(() => session.deliver(1)).not.toThrow();
    expect(session.readOn).toEqual([true]);
    expect(session.acknowledged).toEqual([]);
    expect(bridge.status().counters).toEqual({ received: 1, acknowledged: 0, refusedUnacknowledged: 1 });
    expect(bridge.status().lastError?.message).toBe('the sink refused a message: sink bug');
  });

  it('ignores a second answer to the same message', async () => {
    startBridge();
    await settle();
    broker.last.deliver(1);
    broker.last.deliver(2);
    sink.taken[0]!.done();
    sink.taken[0]!.done(new Error('late'));
    sink.taken[1]!.done();
    expect(broker.last.acknowledged).toEqual([1, 2]);
    expect(bridge.status().counters.refusedUnacknowledged).toBe(0);
    expect(logger.messages('warn')).toEqual(['The uplink sink answered a message twice; the second answer is ignored']);
  });

  it('stops reading at maxInFlight held PUBACKs and reads on when one is sent', async () => {
    startBridge(sink, 2);
    await settle();
    const session = broker.last;
    session.deliver(1);
    session.deliver(2);
    // Two held: MQTT.js is not let read the next packet (the socket waits, the broker keeps the rest).
    expect(session.readOn).toEqual([true, false]);
    sink.taken[0]!.done();
    expect(session.readOn).toEqual([true, true]);
    session.deliver(3);
    expect(session.readOn).toEqual([true, true, false]);
    sink.taken[1]!.done();
    expect(session.readOn).toEqual([true, true, true]);
    expect(session.acknowledged).toEqual([1, 2]);
  });

  it('never acknowledges an answer that comes after its connection was lost, and reconnects', async () => {
    startBridge();
    await settle();
    const first = broker.last;
    first.deliver(1);
    first.lose();
    await until(() => broker.last !== first && bridge.status().state === 'connected', 'the reconnection');
    const second = broker.last;
    expect(second).not.toBe(first);
    second.deliver(1, { dup: true });
    sink.taken[0]!.done();
    expect(first.acknowledged).toEqual([]);
    expect(second.acknowledged).toEqual([]);
    sink.taken[1]!.done();
    expect(second.acknowledged).toEqual([1]);
    expect(bridge.status().lastError?.message).toBe('connection lost: read ECONNRESET');
  });

  it('retries a refused connection with back-off and says why', async () => {
    broker.refusing = new Error('Connection refused: Not authorized');
    startBridge();
    await until(() => broker.options.length >= 2, 'a second connection attempt');
    expect(bridge.status()).toMatchObject({ connected: false, lastError: { message: 'connecting: Connection refused: Not authorized' } });
    broker.refusing = undefined;
    await until(() => bridge.status().state === 'connected', 'the bridge connected');
  });

  it('hands a message on a foreign topic and a huge one to the sink as refused, and acknowledges them', async () => {
    bridge = new ChirpStackBridge({ connection: CONNECTION, sink, logger, openSession: broker.open, maxEventBytes: 100 });
    bridge.start();
    await settle();
    broker.last.deliver(1, { topic: 'application/x/device/zz/event/up' });
    broker.last.deliver(2);
    expect(sink.taken.map(({ source }) => source.event)).toEqual([
      { kind: 'refused', reason: 'EVENT_MALFORMED', detail: 'topic "application/x/device/zz/event/up" is not application/{applicationId}/device/{devEui}/event/{type}' },
      { kind: 'refused', reason: 'EVENT_MALFORMED', detail: `the event is ${UP_EVENT.length} bytes, more than the 100 a ChirpStack event may be here` },
    ]);
    expect(sink.taken[0]!.source.eventType).toBeUndefined();
    sink.taken.forEach(({ done }) => done());
    expect(broker.last.acknowledged).toEqual([1, 2]);
  });

  it('passes QoS 0 messages on without a PUBACK', async () => {
    startBridge();
    await settle();
    broker.last.deliver(undefined, { qos: 0 });
    sink.taken[0]!.done();
    expect(broker.last.acknowledged).toEqual([]);
    expect(bridge.status()).toMatchObject({ inFlight: 0, counters: { received: 1, acknowledged: 0 } });
  });

  describe('stop', () => {
    it('waits for the answers in flight, acknowledges them, then disconnects and leaves the filters asked', async () => {
      startBridge();
      await settle();
      const session = broker.last;
      session.deliver(1);
      const stopped = bridge.stop(1_000, ['application/old/device/+/event/+']);
      // Taken no more while stopping: the broker keeps it.
      session.deliver(2);
      expect(sink.taken).toHaveLength(1);
      expect(session.readOn).toEqual([true, true]);
      sink.taken[0]!.done();
      await stopped;
      expect(session.acknowledged).toEqual([1]);
      expect(session.unsubscribed).toEqual([['application/old/device/+/event/+']]);
      expect(session.closedWith).toBe('disconnect');
      expect(bridge.status()).toMatchObject({ state: 'stopped', connected: false });
    });

    it('gives up waiting after the grace period, leaving the unanswered unacknowledged', async () => {
      startBridge();
      await settle();
      const session = broker.last;
      session.deliver(1);
      const started = Date.now();
      await bridge.stop(50);
      expect(Date.now() - started).toBeGreaterThanOrEqual(45);
      sink.taken[0]!.done();
      expect(session.acknowledged).toEqual([]);
      expect(session.closedWith).toBe('disconnect');
      expect(logger.messages('warn')).toContain('Network server bridge stopped with messages unanswered by the sink; the broker delivers them again');
    });

    it('abort drops the socket at once, as a crash would', async () => {
      startBridge();
      await settle();
      broker.last.deliver(1);
      await bridge.abort();
      expect(broker.last.closedWith).toBe('drop');
      expect(bridge.status().state).toBe('stopped');
    });

    it('closes a connection whose CONNACK comes after a stop, and takes nothing on it, even once started again', async () => {
      const connacks: Array<() => void> = [];
      const slow: OpenBrokerSession = (options, events) =>
        new Promise((resolve) => {
          connacks.push(() => void broker.open(options, events).then(resolve));
        });
      bridge = new ChirpStackBridge({ connection: CONNECTION, sink, logger, openSession: slow });
      bridge.start();
      await bridge.stop(0);
      bridge.start();
      connacks[0]!();
      await settle();
      const stale = broker.last;
      stale.deliver(1);
      expect(stale.closedWith).toBe('drop');
      expect(stale.subscribed).toEqual([]);
      expect(sink.taken).toEqual([]);
      expect(bridge.status()).toMatchObject({ state: 'connecting', connected: false });

      connacks[1]!();
      await settle();
      expect(broker.last).not.toBe(stale);
      expect(broker.last.subscribed).toHaveLength(1);
      expect(bridge.status()).toMatchObject({ state: 'connected', connected: true });
    });

    it('does not reconnect once stopped', async () => {
      broker.refusing = new Error('ECONNREFUSED');
      startBridge();
      await settle();
      await bridge.stop(0);
      const attempts = broker.options.length;
      await settle();
      expect(broker.options.length).toBe(attempts);
      expect(bridge.status().state).toBe('stopped');
    });
  });
});
