import { MetricCatalogue } from '@hub/contract';
import { ValidationLimits } from '@hub/contract';
import { SILENT_LOGGER } from '@hub/common';
import { openSqliteDatabase, Store } from '@hub/store';
import { DeviceStateRepository, DevicePresence } from '@hub/devices';
import { NewDeadLetter } from './dead-letter.repository';
import { IngestStats } from './ingest-stats';
import { IngestService, ReadingWriter } from './ingest.service';
import { SeqDeduper } from './seq-deduper';
import { MessageOrigin } from './spool-port';

/** Lets the dead-letter recorder's promise settle (it commits before the message is acknowledged). */
const tick = () => new Promise((resolve) => setImmediate(resolve));

const limits: ValidationLimits = { maxPayloadBytes: 4096, maxBatchReadings: 10, maxAgeMs: 86_400_000, maxFutureMs: 60_000 };

/** A writer that takes lines when told to, to observe acknowledgement order. */
class ManualWriter implements ReadingWriter {
  readonly offered: { origin: MessageOrigin; lines: readonly string[]; accepted: () => void }[] = [];
  offer(origin: MessageOrigin, lines: readonly string[], accepted: () => void): void {
    this.offered.push({ origin, lines, accepted });
  }
}

describe('IngestService', () => {
  let writer: ManualWriter;
  let deadLetters: NewDeadLetter[];
  let stats: IngestStats;
  let presence: DevicePresence;
  let service: IngestService;
  const client = { id: 'meter-7' };
  const json = (value: unknown) => Buffer.from(JSON.stringify(value));

  beforeEach(async () => {
    writer = new ManualWriter();
    deadLetters = [];
    stats = new IngestStats();
    presence = new DevicePresence(new DeviceStateRepository(Store.sqlite(openSqliteDatabase(':memory:'))), SILENT_LOGGER);
    service = new IngestService(limits, MetricCatalogue.BUILT_IN, writer, async (letters) => void deadLetters.push(...letters), presence, stats, SILENT_LOGGER);
  });

  it('hands a valid reading to the writer as a line and acknowledges once the writer accepts it', async () => {
    const done = jest.fn();
    service.handlePublish(client, 'sensors/water/w-1/telemetry', json({ ts: Date.now() - 1000, metrics: { pressure_kpa: 410 } }), done);
    expect(done).not.toHaveBeenCalled();
    expect(writer.offered).toHaveLength(1);
    expect(writer.offered[0].origin).toEqual({ deviceId: 'w-1', domain: 'water', clientId: 'meter-7', topic: 'sensors/water/w-1/telemetry' });
    expect(writer.offered[0].lines).toHaveLength(1);
    expect(writer.offered[0].lines[0]).toMatch(/^water,device_id=w-1 pressure_kpa=410 \d+$/);
    writer.offered[0].accepted();
    expect(done).toHaveBeenCalledWith(null);
    expect(presence.get('w-1')).toMatchObject({ online: true, domain: 'water', lastValues: { pressure_kpa: 410 } });
  });

  it('writes the extra tags the registry gives a device (town, site) on every line of its messages', async () => {
    const tagged = new IngestService(limits, MetricCatalogue.BUILT_IN, writer, async (letters) => void deadLetters.push(...letters), presence, stats, SILENT_LOGGER, new SeqDeduper(0), (deviceId) =>
      deviceId === 'w-1' ? [['site', 'Mill Lane'], ['town', 'Ashford']] : [],
    );
    const ts = Date.now() - 1000;
    tagged.handlePublish(client, 'sensors/water/w-1/telemetry', json([{ ts, metrics: { ph: 7 } }, { ts: ts + 1, metrics: { ph: 7.1 } }]), jest.fn());
    tagged.handlePublish(client, 'sensors/water/w-2/telemetry', json({ ts, metrics: { ph: 7 } }), jest.fn());
    expect(writer.offered.flatMap((offer) => offer.lines)).toEqual([
      `water,device_id=w-1,site=Mill\\ Lane,town=Ashford ph=7 ${ts}`,
      `water,device_id=w-1,site=Mill\\ Lane,town=Ashford ph=7.1 ${ts + 1}`,
      `water,device_id=w-2 ph=7 ${ts}`,
    ]);
  });

  it('dead-letters a message the access policy refused and acknowledges it in arrival order, storing nothing', async () => {
    const order: string[] = [];
    service.handlePublish(client, 'sensors/water/meter-7/telemetry', json({ metrics: { ph: 7 } }), () => order.push('own'));
    service.refusePublish(client, 'sensors/water/w-2/telemetry', json({ metrics: { ph: 1 } }), { reason: 'TOPIC_FORBIDDEN', detail: 'not yours', deviceId: 'meter-7', domain: 'water' }, () =>
      order.push('forbidden'),
    );
    expect(order).toEqual([]);
    expect(deadLetters).toEqual([expect.objectContaining({ reason: 'TOPIC_FORBIDDEN', detail: 'not yours', clientId: 'meter-7', deviceId: 'meter-7', domain: 'water', topic: 'sensors/water/w-2/telemetry' })]);
    writer.offered[0].accepted();
    await tick();
    expect(order).toEqual(['own', 'forbidden']);
    expect(writer.offered).toHaveLength(1);
    expect(presence.get('w-2')).toBeUndefined();
    expect(stats.snapshot()).toMatchObject({ received: 2, rejected: 1, rejectedByReason: { TOPIC_FORBIDDEN: 1 } });
  });

  it('dead-letters a refused message and still acknowledges it, after the earlier message of the same client', async () => {
    const order: string[] = [];
    service.handlePublish(client, 'sensors/water/w-1/telemetry', json({ metrics: { ph: 7 } }), () => order.push('valid'));
    service.handlePublish(client, 'sensors/water/w-1/telemetry', Buffer.from('{"metrics":'), () => order.push('malformed'));
    expect(order).toEqual([]);
    expect(deadLetters).toHaveLength(1);
    expect(deadLetters[0]).toMatchObject({ reason: 'MALFORMED_JSON', clientId: 'meter-7', deviceId: 'w-1', topic: 'sensors/water/w-1/telemetry' });
    writer.offered[0].accepted();
    await tick();
    expect(order).toEqual(['valid', 'malformed']);
    expect(stats.snapshot()).toMatchObject({ received: 2, rejected: 1, rejectedByReason: { MALFORMED_JSON: 1 } });
  });

  it('stores the good entries of a batch and dead-letters each bad one with its index', async () => {
    const done = jest.fn();
    const now = Date.now();
    service.handlePublish(
      client,
      'sensors/gas/g-1/telemetry',
      json([{ ts: now - 2000, metrics: { methane_pct_lel: 1 } }, { ts: now - 1000, metrics: { methane_pct_lel: 180 } }, { ts: now, metrics: { methane_pct_lel: 2 } }]),
      done,
    );
    expect(writer.offered[0].lines).toEqual([
      `gas,device_id=g-1 methane_pct_lel=1 ${now - 2000}`,
      `gas,device_id=g-1 methane_pct_lel=2 ${now}`,
    ]);
    expect(deadLetters).toEqual([
      expect.objectContaining({ reason: 'VALUE_OUT_OF_RANGE', batchIndex: 1, payload: `{"ts":${now - 1000},"metrics":{"methane_pct_lel":180}}` }),
    ]);
    await tick();
    expect(stats.received).toBe(3);
  });

  it.each([
    ['sensor/water/w-1/telemetry', 'TOPIC_INVALID'],
    ['sensors/sewage/w-1/telemetry', 'DOMAIN_UNKNOWN'],
    ['sensors/water/w 1/telemetry', 'DEVICE_ID_INVALID'],
  ])('refuses topic %s as %s', async (topic, reason) => {
    const done = jest.fn();
    service.handlePublish(client, topic, json({ metrics: { ph: 7 } }), done);
    await tick();
    expect(done).toHaveBeenCalledWith(null);
    expect(deadLetters).toEqual([expect.objectContaining({ reason, topic, clientId: 'meter-7' })]);
    expect(writer.offered).toHaveLength(0);
  });

  it('routes each message by its own topic when one client switches topics (the parsed topic is remembered per client)', async () => {
    const now = Date.now();
    const other = { id: 'gateway-2' };
    // Round and round, as a gateway cycles through its children: each valid topic is parsed once, the invalid one each time.
    const topics = ['sensors/water/w-1/telemetry', 'sensors/gas/g-1/telemetry', 'sensor/gas/g-1/telemetry', 'sensors/water/w-1/telemetry', 'sensors/gas/g-1/telemetry', 'sensor/gas/g-1/telemetry'];
    topics.forEach((topic, index) =>
      service.handlePublish(client, topic, json({ ts: now - index, metrics: topic.includes('gas') ? { methane_pct_lel: 1 } : { ph: 7 } }), jest.fn()),
    );
    service.handlePublish(other, 'sensors/heat/h-1/telemetry', json({ ts: now, metrics: { pressure_mpa: 1 } }), jest.fn());
    expect(writer.offered.map(({ origin, lines }) => `${origin.clientId} ${origin.topic} ${lines[0].split(' ')[0]}`)).toEqual([
      'meter-7 sensors/water/w-1/telemetry water,device_id=w-1',
      'meter-7 sensors/gas/g-1/telemetry gas,device_id=g-1',
      'meter-7 sensors/water/w-1/telemetry water,device_id=w-1',
      'meter-7 sensors/gas/g-1/telemetry gas,device_id=g-1',
      'gateway-2 sensors/heat/h-1/telemetry heat,device_id=h-1',
    ]);
    expect(deadLetters).toEqual(Array(2).fill(expect.objectContaining({ reason: 'TOPIC_INVALID', topic: 'sensor/gas/g-1/telemetry', clientId: 'meter-7' })));
  });

  it('records status messages as presence without storing a reading, and dead-letters an unknown status', async () => {
    expect(service.handlePublish(client, 'sensors/heat/h-1/status', Buffer.from('online'), jest.fn())).toBe(true);
    expect(presence.get('h-1')).toMatchObject({ online: true });
    expect(service.handlePublish(client, 'sensors/heat/h-1/status', Buffer.from('offline'), jest.fn())).toBe(true);
    expect(presence.get('h-1')).toMatchObject({ online: false });
    expect(writer.offered).toHaveLength(0);
    expect(stats.received).toBe(0);

    const done = jest.fn();
    expect(service.handlePublish(client, 'sensors/heat/h-1/status', Buffer.from('rebooting'), done)).toBe(false);
    await tick();
    expect(done).toHaveBeenCalledWith(null);
    expect(deadLetters).toEqual([
      expect.objectContaining({ reason: 'STATUS_INVALID', detail: 'status must be "online" or "offline", got "rebooting"', deviceId: 'h-1', topic: 'sensors/heat/h-1/status' }),
    ]);
    expect(presence.get('h-1')).toMatchObject({ online: false });
  });

  it('tells the broker to forward only messages that held something valid', async () => {
    const now = Date.now();
    expect(service.handlePublish(client, 'sensors/gas/g-1/telemetry', json({ metrics: { methane_pct_lel: 1 } }), jest.fn())).toBe(true);
    expect(service.handlePublish(client, 'sensors/gas/g-1/telemetry', json([{ ts: now, metrics: { methane_pct_lel: 1 } }, { metrics: { methane_pct_lel: 900 } }]), jest.fn())).toBe(true);
    expect(service.handlePublish(client, 'sensors/gas/g-1/telemetry', json({ metrics: { methane_pct_lel: 900 } }), jest.fn())).toBe(false);
    expect(service.handlePublish(client, 'sensors/gas/g-1/telemetry', Buffer.from('{'), jest.fn())).toBe(false);
    expect(service.handlePublish(client, 'alerts/gas/g-1', json({}), jest.fn())).toBe(false);
  });

  it('does not acknowledge when the dead-letter store cannot record, so the device resends', async () => {
    service = new IngestService(limits, MetricCatalogue.BUILT_IN, writer, () => Promise.reject(new Error('disk full')), presence, stats, SILENT_LOGGER);
    const done = jest.fn();
    service.handlePublish(client, 'sensors/water/w-1/telemetry', Buffer.from('nope'), done);
    await tick();
    expect(done).toHaveBeenCalledWith(new Error('disk full'));
    expect(stats.snapshot()).toMatchObject({ received: 0, rejected: 0 });
  });

  it('acknowledges an exact resend (same seq and ts) without storing it twice, and counts it', async () => {
    service = new IngestService(limits, MetricCatalogue.BUILT_IN, writer, async (letters) => void deadLetters.push(...letters), presence, stats, SILENT_LOGGER, new SeqDeduper(60_000));
    const ts = Date.now() - 5000;
    const done = jest.fn();
    service.handlePublish(client, 'sensors/water/w-1/telemetry', json({ ts, seq: 41, metrics: { ph: 7 } }), done);
    writer.offered[0].accepted();
    service.handlePublish(client, 'sensors/water/w-1/telemetry', json([{ ts, seq: 41, metrics: { ph: 7 } }, { ts: ts + 1, seq: 42, metrics: { ph: 7.1 } }]), done);
    writer.offered[1].accepted();
    service.handlePublish(client, 'sensors/water/w-1/telemetry', json({ ts, seq: 41, metrics: { ph: 7 } }), done);
    expect(done).toHaveBeenCalledTimes(3);
    expect(writer.offered.map((offer) => offer.lines.length)).toEqual([1, 1]);
    expect(writer.offered[1].lines[0]).toBe(`water,device_id=w-1 ph=7.1 ${ts + 1}`);
    expect(stats.snapshot()).toMatchObject({ received: 4, duplicates: 2, rejected: 0 });
  });

  it('acknowledges a refused message only once its dead letter is committed, and later messages of its client behind it', async () => {
    const commits: (() => void)[] = [];
    service = new IngestService(limits, MetricCatalogue.BUILT_IN, writer, (letters) => new Promise<void>((resolve) => commits.push(() => {
      deadLetters.push(...letters);
      resolve();
    })), presence, stats, SILENT_LOGGER);
    const order: string[] = [];
    service.handlePublish(client, 'sensors/water/w-1/telemetry', Buffer.from('{'), () => order.push('refused'));
    service.handlePublish(client, 'sensors/water/w-1/telemetry', json({ metrics: { ph: 7 } }), () => order.push('valid'));
    // A batch with a valid and a refused entry: its acknowledgement needs both the writer and the commit.
    service.handlePublish(client, 'sensors/water/w-1/telemetry', json([{ metrics: { ph: 7.1 } }, { metrics: { ph: 99 } }]), () => order.push('mixed'));
    service.handlePublish({ id: 'other' }, 'sensors/water/w-9/telemetry', json({ metrics: { ph: 7 } }), () => order.push('other client'));
    for (const offered of writer.offered) offered.accepted();
    await tick();
    expect(order).toEqual(['other client']);
    expect(stats.snapshot()).toMatchObject({ rejected: 0 });
    commits[0]();
    await tick();
    expect(order).toEqual(['other client', 'refused', 'valid']);
    expect(stats.snapshot()).toMatchObject({ rejected: 1, rejectedByReason: { MALFORMED_JSON: 1 } });
    commits[1]();
    await tick();
    expect(order).toEqual(['other client', 'refused', 'valid', 'mixed']);
    expect(deadLetters.map((letter) => letter.reason)).toEqual(['MALFORMED_JSON', 'VALUE_OUT_OF_RANGE']);
  });

  it('does not acknowledge a batch with valid and refused entries when its dead letter fails, though its readings are written', async () => {
    service = new IngestService(limits, MetricCatalogue.BUILT_IN, writer, () => Promise.reject(new Error('stopping')), presence, stats, SILENT_LOGGER);
    const done = jest.fn();
    service.handlePublish(client, 'sensors/water/w-1/telemetry', json([{ metrics: { ph: 7.1 } }, { metrics: { ph: 99 } }]), done);
    await tick();
    expect(done.mock.calls).toEqual([[new Error('stopping')]]);
    writer.offered[0].accepted();
    await tick();
    expect(done).toHaveBeenCalledTimes(1);
    expect(stats.snapshot()).toMatchObject({ received: 1, rejected: 0 });
  });

  it('refuses everything without acknowledgement once stopping', async () => {
    service.stopAccepting();
    const done = jest.fn();
    service.handlePublish(client, 'sensors/water/w-1/telemetry', json({ metrics: { ph: 7 } }), done);
    expect(done).toHaveBeenCalledWith(new Error('service is shutting down'));
    expect(writer.offered).toHaveLength(0);
  });

  describe('handlePost (HTTP ingest)', () => {
    const posting = { id: 'w-1', connectionless: true };

    it('tells what became of each entry at once, and calls back only once the accepted ones are durable', async () => {
      const ts = Date.now() - 5000;
      service = new IngestService(limits, MetricCatalogue.BUILT_IN, writer, async (letters) => void deadLetters.push(...letters), presence, stats, SILENT_LOGGER, new SeqDeduper(60_000));
      void service.handlePost(posting, 'sensors/water/w-1/telemetry', json({ ts, seq: 1, metrics: { ph: 7 } }), jest.fn());
      writer.offered[0].accepted();
      const done = jest.fn();
      const receipt = service.handlePost(
        posting,
        'sensors/water/w-1/telemetry',
        json([{ ts, seq: 1, metrics: { ph: 7 } }, { ts: ts + 1, metrics: { ph: 'high' } }, { ts: ts + 2, metrics: { ph: 7.2 } }]),
        done,
      );
      expect(receipt).toEqual({ accepted: 1, duplicates: 1, refused: [expect.objectContaining({ index: 1, reason: 'VALUE_NOT_NUMBER' })] });
      expect(done).not.toHaveBeenCalled();
      writer.offered[1].accepted();
      await tick();
      expect(done).toHaveBeenCalledWith(null);
      expect(deadLetters).toEqual([expect.objectContaining({ reason: 'VALUE_NOT_NUMBER', batchIndex: 1, clientId: 'w-1', deviceId: 'w-1', topic: 'sensors/water/w-1/telemetry' })]);
      expect(stats.snapshot()).toMatchObject({ received: 4, duplicates: 1, rejected: 1 });
    });

    it('answers a whole-message refusal with no index at once, and calls back once its dead letter is committed', async () => {
      const done = jest.fn();
      expect(service.handlePost(posting, 'sensors/water/w-1/telemetry', Buffer.from('{"metrics":'), done)).toEqual({
        accepted: 0,
        duplicates: 0,
        refused: [{ reason: 'MALFORMED_JSON', detail: 'Unexpected end of JSON input' }],
      });
      expect(done).not.toHaveBeenCalled();
      await tick();
      expect(done).toHaveBeenCalledWith(null);
      expect(deadLetters).toEqual([expect.objectContaining({ reason: 'MALFORMED_JSON', payload: Buffer.from('{"metrics":') })]);
    });

    it('marks a posting device as heard from (last seen, values) without making it online', async () => {
      const ts = Date.now() - 1000;
      void service.handlePost(posting, 'sensors/water/w-1/telemetry', json({ ts, metrics: { ph: 7.4 } }), jest.fn());
      expect(presence.get('w-1')).toMatchObject({ online: false, lastReadingTs: ts, lastValues: { ph: 7.4 } });
    });

    it('leaves an MQTT-connected device online when it also posts', async () => {
      service.handlePublish(client, 'sensors/water/meter-7/telemetry', json({ metrics: { ph: 7 } }), jest.fn());
      void service.handlePost({ id: 'meter-7', connectionless: true }, 'sensors/water/meter-7/telemetry', json({ metrics: { ph: 7.1 } }), jest.fn());
      expect(presence.get('meter-7')).toMatchObject({ online: true, lastValues: { ph: 7.1 } });
    });

    it('calls back with the error and takes nothing when stopping or when the dead-letter store fails', async () => {
      const stopping = jest.fn();
      service.stopAccepting();
      expect(service.handlePost(posting, 'sensors/water/w-1/telemetry', json({ metrics: { ph: 7 } }), stopping)).toEqual({ accepted: 0, duplicates: 0, refused: [] });
      expect(stopping).toHaveBeenCalledWith(new Error('service is shutting down'));

      service = new IngestService(limits, MetricCatalogue.BUILT_IN, writer, () => Promise.reject(new Error('disk full')), presence, stats, SILENT_LOGGER);
      const failing = jest.fn();
      // The receipt is known at once; the callback's error is what the HTTP answer follows (503, nothing promised).
      expect(service.handlePost(posting, 'sensors/water/w-1/telemetry', Buffer.from('nope'), failing)).toEqual({ accepted: 0, duplicates: 0, refused: [expect.objectContaining({ reason: 'MALFORMED_JSON' })] });
      await tick();
      expect(failing).toHaveBeenCalledWith(new Error('disk full'));
      expect(writer.offered).toHaveLength(0);
    });
  });

  describe('devices with a profile (vendor payloads)', () => {
    /** A decoder whose answers the test releases one by one, to see that PUBACKs keep the client's order. */
    const held: Array<() => void> = [];
    const slowDecoder = {
      profile: { id: 'rtu', networkServerObject: false },
      decode: (input: { bytes: Uint8Array }) =>
        new Promise((resolve) => {
          const text = Buffer.from(input.bytes).toString('utf8');
          held.push(() => resolve(text === 'bad' ? { reason: 'DECODER_ERROR', detail: 'Error: bad frame' } : { readings: [{ ts: Date.now() - 1000, metrics: { ph: Number(text) } }], warnings: [] }));
        }),
    };

    beforeEach(async () => {
      held.length = 0;
      const decoding = { decoderOf: (deviceId: string) => (deviceId === 'w-1' ? (slowDecoder as never) : deviceId === 'w-2' ? { missing: 'gone' } : null) };
      service = new IngestService(limits, MetricCatalogue.BUILT_IN, writer, async (letters) => void deadLetters.push(...letters), presence, stats, SILENT_LOGGER, new SeqDeduper(0), () => [], decoding);
    });

    it('acknowledges in arrival order however long each decode takes, and tells the broker not to forward what held nothing valid', async () => {
      const order: string[] = [];
      const notForwarded: string[] = [];
      for (const text of ['7', 'bad', '7.5']) {
        expect(service.handlePublish(client, 'sensors/water/w-1/telemetry', Buffer.from(text), () => order.push(text), () => notForwarded.push(text))).toBe(true);
      }
      // A contract device's message on the same connection waits behind the decoded ones.
      service.handlePublish(client, 'sensors/water/w-3/telemetry', json({ metrics: { ph: 6 } }), () => order.push('plain'));
      held[2]!();
      held[1]!();
      await new Promise((resolve) => setImmediate(resolve));
      expect(order).toEqual([]);
      held[0]!();
      await new Promise((resolve) => setImmediate(resolve));
      for (const offered of [...writer.offered]) offered.accepted();
      expect(order).toEqual(['7', 'bad', '7.5', 'plain']);
      expect(notForwarded).toEqual(['bad']);
      expect(deadLetters.map(({ reason, detail, payload }) => [reason, detail, Buffer.from(payload as Uint8Array).toString('utf8')])).toEqual([['DECODER_ERROR', 'profile rtu: Error: bad frame', 'bad']]);
    });

    it('dead-letters a device whose profile was deleted as PROFILE_UNKNOWN, and answers an HTTP post once decoded', async () => {
      const posting = { id: 'w-1', connectionless: true };
      const done = jest.fn();
      expect(await service.handlePost(posting, 'sensors/water/w-2/telemetry', Buffer.from('7'), done)).toEqual({
        accepted: 0,
        duplicates: 0,
        refused: [{ reason: 'PROFILE_UNKNOWN', detail: 'device w-2 names device profile gone, which does not exist (any more)' }],
      });
      expect(done).toHaveBeenCalledWith(null);
      const receipt = service.handlePost(posting, 'sensors/water/w-1/telemetry', Buffer.from('7.25'), jest.fn());
      held[0]!();
      expect(await receipt).toEqual({ accepted: 1, duplicates: 0, refused: [] });
      expect(writer.offered.map(({ lines }) => lines[0]!.split(' ')[1])).toEqual(['ph=7.25']);
    });
  });
});
