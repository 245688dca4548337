/// <reference types="jest" />
// A test suite for every DeviceLink; the build compiles it, so it names its types.
import { DeviceLink, DeviceLinkFactory, DeviceLinkOptions } from '../device-link';

/** A message as the broker took it. */
export interface LinkPublish {
  readonly clientId: string;
  readonly topic: string;
  readonly payload: string;
  readonly qos: number;
  readonly retain: boolean;
}

/** What the broker behind a link shows, and the two ways a test can make it misbehave. */
export interface LinkBroker {
  readonly published: readonly LinkPublish[];
  readonly willsFired: readonly LinkPublish[];
  readonly connected: ReadonlySet<string>;
  readonly cleanDisconnects: readonly string[];
  /** Client ids whose CONNECT is refused. */
  readonly refuse: Set<string>;
  /** While true, QoS 1 publishes are never acknowledged. */
  withholdAcks: boolean;
}

export interface DeviceLinkHarness {
  readonly connect: DeviceLinkFactory;
  readonly broker: LinkBroker;
  readonly url: string;
  /** How connect rejects for a refused client id. */
  refusal(clientId: string): string;
  /** The error `done` gets for a publish on a closed link. */
  readonly closedLinkError: string;
  cleanup(): Promise<void>;
}

const WILL = { payload: 'offline', qos: 1, retain: true } as const;

function linkOptions(url: string, clientId: string): DeviceLinkOptions {
  return {
    url,
    clientId,
    username: clientId,
    password: 'secret',
    clean: true,
    keepaliveS: 30,
    connectTimeoutMs: 2000,
    reconnectPeriodMs: 0,
    will: { topic: `sensors/water/${clientId}/status`, ...WILL },
  };
}

/** Calls of one publish's `done`, as error messages ('' for success). */
function publishing(link: DeviceLink, topic: string, payload: string, options: { qos: 0 | 1; retain?: boolean }): { calls: string[]; settled: Promise<void> } {
  const calls: string[] = [];
  const settled = new Promise<void>((resolve) =>
    link.publish(topic, payload, options, (error) => {
      calls.push(error?.message ?? '');
      resolve();
    }),
  );
  return { calls, settled };
}

async function eventually(condition: () => boolean, what: string, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What every DeviceLink (and its factory) must do (MQTT.js's abstractStoreTest pattern). */
export function describeDeviceLinkContract(name: string, build: () => Promise<DeviceLinkHarness>): void {
  describe(`${name}: DeviceLink contract`, () => {
    let harness: DeviceLinkHarness;
    let clients = 0;
    const open: DeviceLink[] = [];
    /** A fresh client id per test: the broker's records of earlier tests do not mix in. */
    const nextClientId = () => `dev-${++clients}`;
    const connect = async (clientId: string): Promise<DeviceLink> => {
      const link = await harness.connect(linkOptions(harness.url, clientId));
      open.push(link);
      return link;
    };
    const publishedBy = (clientId: string) => harness.broker.published.filter((entry) => entry.clientId === clientId);

    beforeEach(async () => {
      harness = await build();
    });
    afterEach(async () => {
      for (const link of open.splice(0)) link.drop();
      await harness.cleanup();
    });

    it('resolves connect once the broker accepted the client', async () => {
      const clientId = nextClientId();
      await connect(clientId);
      expect(harness.broker.connected.has(clientId)).toBe(true);
    });

    it('calls done once, without error, only after the broker has a QoS 1 message', async () => {
      const clientId = nextClientId();
      const link = await connect(clientId);
      const { calls, settled } = publishing(link, `sensors/water/${clientId}/telemetry`, '{"v":1}', { qos: 1 });
      await settled;
      expect(publishedBy(clientId)).toEqual([{ clientId, topic: `sensors/water/${clientId}/telemetry`, payload: '{"v":1}', qos: 1, retain: false }]);
      await pause(30);
      expect(calls).toEqual(['']);
    });

    it('calls done once for QoS 0 and carries the retain flag', async () => {
      const clientId = nextClientId();
      const link = await connect(clientId);
      const telemetry = publishing(link, `sensors/water/${clientId}/telemetry`, '{"v":0}', { qos: 0 });
      const status = publishing(link, `sensors/water/${clientId}/status`, 'online', { qos: 0, retain: true });
      await Promise.all([telemetry.settled, status.settled]);
      await eventually(() => publishedBy(clientId).length === 2, 'both QoS 0 messages at the broker');
      expect(publishedBy(clientId)).toEqual([
        { clientId, topic: `sensors/water/${clientId}/telemetry`, payload: '{"v":0}', qos: 0, retain: false },
        { clientId, topic: `sensors/water/${clientId}/status`, payload: 'online', qos: 0, retain: true },
      ]);
      await pause(30);
      expect([telemetry.calls, status.calls]).toEqual([[''], ['']]);
    });

    it('delivers one client’s messages in the order it published them [MQTT-4.6.0-2]', async () => {
      const clientId = nextClientId();
      const link = await connect(clientId);
      const sent = Array.from({ length: 50 }, (_, index) => publishing(link, `sensors/water/${clientId}/telemetry`, `{"seq":${index}}`, { qos: index % 2 === 0 ? 1 : 0 }));
      await Promise.all(sent.map((entry) => entry.settled));
      await eventually(() => publishedBy(clientId).length === 50, 'all 50 messages at the broker');
      expect(publishedBy(clientId).map((entry) => [entry.payload, entry.qos])).toEqual(sent.map((_, index) => [`{"seq":${index}}`, index % 2 === 0 ? 1 : 0]));
    });

    it('keeps a payload with non-ASCII and control characters byte for byte', async () => {
      const clientId = nextClientId();
      const link = await connect(clientId);
      const payload = '{"note":"Åsa \\u0000 — ✓","v":-0.5e-7}\n';
      await publishing(link, `sensors/water/${clientId}/telemetry`, payload, { qos: 1 }).settled;
      expect(publishedBy(clientId).map((entry) => entry.payload)).toEqual([payload]);
    });

    it('close sends DISCONNECT: the broker discards the will [MQTT-3.14.4-3]; closing again, or after a drop, resolves', async () => {
      const clientId = nextClientId();
      const link = await connect(clientId);
      await link.close(1000);
      await eventually(() => !harness.broker.connected.has(clientId), 'the broker saw the client go');
      await expect(link.close(1000)).resolves.toBeUndefined();
      await pause(30);
      expect(harness.broker.cleanDisconnects.filter((id) => id === clientId)).toEqual([clientId]);
      expect(harness.broker.willsFired.filter((will) => will.clientId === clientId)).toEqual([]);

      const dropped = await connect(nextClientId());
      dropped.drop();
      await expect(dropped.close(1000)).resolves.toBeUndefined();
    });

    it('drop loses the connection without DISCONNECT: the broker publishes the will [MQTT-3.1.2-8]', async () => {
      const clientId = nextClientId();
      const link = await connect(clientId);
      link.drop();
      await eventually(() => harness.broker.willsFired.some((will) => will.clientId === clientId), 'the will fired');
      expect(harness.broker.willsFired.filter((will) => will.clientId === clientId)).toEqual([{ clientId, topic: `sensors/water/${clientId}/status`, ...WILL }]);
      expect(harness.broker.cleanDisconnects).not.toContain(clientId);
      expect(harness.broker.connected.has(clientId)).toBe(false);
    });

    it('calls done once with an error for a publish on a closed link, and does not throw', async () => {
      const clientId = nextClientId();
      const link = await connect(clientId);
      await link.close(1000);
      const { calls, settled } = publishing(link, `sensors/water/${clientId}/telemetry`, '{"v":2}', { qos: 1 });
      await settled;
      await pause(30);
      expect(calls).toEqual([harness.closedLinkError]);
      expect(publishedBy(clientId)).toEqual([]);
    });

    it('rejects connect when the broker refuses the client, leaving it unconnected', async () => {
      const clientId = nextClientId();
      harness.broker.refuse.add(clientId);
      await expect(harness.connect(linkOptions(harness.url, clientId))).rejects.toMatchObject({ message: harness.refusal(clientId) });
      await pause(30);
      expect(harness.broker.connected.has(clientId)).toBe(false);
      expect(harness.broker.willsFired.filter((will) => will.clientId === clientId)).toEqual([]);
    });

    it('withholds done while the broker withholds PUBACK, and close(timeout) still resolves within its timeout', async () => {
      const clientId = nextClientId();
      const link = await connect(clientId);
      harness.broker.withholdAcks = true;
      const { calls } = publishing(link, `sensors/water/${clientId}/telemetry`, '{"v":3}', { qos: 1 });
      await eventually(() => publishedBy(clientId).length === 1, 'the message at the broker');
      await pause(50);
      expect(calls).toEqual([]);
      const started = Date.now();
      await link.close(200);
      expect(Date.now() - started).toBeLessThan(1000);
    });
  });
}
