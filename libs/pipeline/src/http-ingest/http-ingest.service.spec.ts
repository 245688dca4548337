import { MetricCatalogue } from '@hub/contract';
import type { MqttLoginRefusal } from '@hub/access';
import { SILENT_LOGGER } from '@hub/common';
import type { ValidationLimits } from '@hub/contract';
import { DeviceAccessPolicy, DevicePresence, DeviceStateRepository } from '@hub/devices';
import { ADMIN, RegistryFixture } from '@hub/devices/testing';
import { openSqliteDatabase, Store } from '@hub/store';
import type { NewDeadLetter } from '../dead-letter.repository';
import { IngestStats } from '../ingest-stats';
import { IngestService, ReadingWriter } from '../ingest.service';
import { SeqDeduper } from '../seq-deduper';
import { HttpIngestService, LoginBackoffPort } from './http-ingest.service';

const limits: ValidationLimits = { maxPayloadBytes: 4096, maxBatchReadings: 10, maxAgeMs: 86_400_000, maxFutureMs: 60_000 };
const json = (value: unknown) => Buffer.from(JSON.stringify(value));
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

/** A writer that makes each message durable when told to, and can be full. */
class ManualWriter implements ReadingWriter {
  readonly offered: Array<{ lines: readonly string[]; durable: () => void }> = [];
  acceptsMore = true;
  offer(_origin: unknown, lines: readonly string[], durable: () => void): void {
    this.offered.push({ lines, durable });
  }
}

class RecordingBackoff implements LoginBackoffPort {
  blocked = false;
  readonly refused: Array<{ clientId: string; reason: string | undefined }> = [];
  readonly channels = new Set<string>();
  loginBlocked(_address: string | undefined, channel: 'http'): boolean {
    this.channels.add(channel);
    return this.blocked;
  }
  loginRefused(_address: string | undefined, clientId: string, _username: string | undefined, refusal: MqttLoginRefusal, channel: 'http'): void {
    this.channels.add(channel);
    this.refused.push({ clientId, reason: refusal.reason });
  }
}

describe('HttpIngestService', () => {
  let fixture: RegistryFixture;
  let secret: string;
  let writer: ManualWriter;
  let backoff: RecordingBackoff;
  let deadLetters: NewDeadLetter[];
  let stats: IngestStats;
  let service: HttpIngestService;

  const build = (admission: 'registered' | 'quarantine') => {
    const presence = new DevicePresence(new DeviceStateRepository(Store.sqlite(openSqliteDatabase(':memory:'))), SILENT_LOGGER);
    const ingest = new IngestService(limits, MetricCatalogue.BUILT_IN, writer, async (letters) => void deadLetters.push(...letters), presence, stats, SILENT_LOGGER, new SeqDeduper(60_000));
    return new HttpIngestService(new DeviceAccessPolicy(fixture.registry, admission), backoff, ingest, writer, limits.maxPayloadBytes);
  };
  const login = (deviceId: string, authorization: string | undefined) => service.login({ deviceId, authorization, remoteAddress: '10.0.0.9' });
  const admitted = (deviceId: string, authorization: string) => {
    const result = login(deviceId, authorization);
    if ('refused' in result) throw new Error(`not admitted: ${result.message}`);
    return result;
  };

  beforeEach(async () => {
    fixture = await RegistryFixture.create();
    secret = (await fixture.registry.provision(ADMIN, { deviceId: 'w-1', domain: 'water' })).secret;
    await fixture.registry.provision(ADMIN, { deviceId: 'w-2', domain: 'water' });
    writer = new ManualWriter();
    backoff = new RecordingBackoff();
    deadLetters = [];
    stats = new IngestStats();
    service = build('registered');
  });

  it('admits a device by its secret as Bearer (device from the path) or as Basic id:secret', async () => {
    expect(login('w-1', `Bearer ${secret}`)).toEqual({ principal: expect.objectContaining({ kind: 'device', deviceId: 'w-1' }), clientId: 'w-1' });
    expect(login('w-2', basic('w-1', secret))).toEqual({ principal: expect.objectContaining({ kind: 'device', deviceId: 'w-1' }), clientId: 'w-1' });
    expect(backoff.refused).toEqual([]);
  });

  it('refuses no, a malformed or a wrong credential alike, and holds each against the address', async () => {
    const unauthenticated = { refused: 'unauthenticated', message: expect.stringContaining('unknown device or wrong secret') };
    expect(login('w-1', undefined)).toEqual(unauthenticated);
    expect(login('w-1', 'Bearer wrong')).toEqual(unauthenticated);
    expect(login('w-9', `Bearer ${secret}`)).toEqual(unauthenticated);
    expect(login('w-1', 'Token abc')).toEqual({ refused: 'unauthenticated', message: expect.stringMatching(/^the Authorization scheme is neither Basic nor Bearer; unknown device/) });
    expect(backoff.refused).toEqual([
      { clientId: 'w-1', reason: 'no-credentials' },
      { clientId: 'w-1', reason: 'wrong-secret' },
      { clientId: 'w-9', reason: 'unknown-device' },
      { clientId: 'w-1', reason: 'malformed-credentials' },
    ]);
    // Counted as HTTP ingest logins, not under the MQTT login metrics.
    expect([...backoff.channels]).toEqual(['http']);
  });

  it('refuses a disabled device as not authorized once its secret is right, and anyone while the address is blocked', async () => {
    await fixture.registry.update(ADMIN, 'w-1', { enabled: false });
    expect(login('w-1', `Bearer ${secret}`)).toMatchObject({ refused: 'not-authorized' });
    backoff.blocked = true;
    expect(login('w-2', `Bearer ${secret}`)).toMatchObject({ refused: 'blocked' });
  });

  it('takes a post through the pipeline and answers once it is durable', async () => {
    const ts = Date.now() - 1000;
    const answer = service.post({ login: admitted('w-1', `Bearer ${secret}`), domain: 'water', deviceId: 'w-1', payload: json([{ ts, metrics: { ph: 7 } }, { ts, metrics: { ph: 99 } }]) });
    let settled = false;
    void answer.then(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
    writer.offered[0].durable();
    await expect(answer).resolves.toEqual({ kind: 'taken', receipt: { accepted: 1, duplicates: 0, refused: [expect.objectContaining({ index: 1, reason: 'VALUE_OUT_OF_RANGE' })] } });
    expect(stats.snapshot()).toMatchObject({ received: 2, rejected: 1 });
  });

  it('refuses readings for another device or domain as TOPIC_FORBIDDEN, dead-lettered under the sender', async () => {
    const device = admitted('w-1', `Bearer ${secret}`);
    await expect(service.post({ login: device, domain: 'water', deviceId: 'w-2', payload: json({ metrics: { ph: 7 } }) })).resolves.toEqual({
      kind: 'forbidden',
      receipt: { accepted: 0, duplicates: 0, refused: [{ reason: 'TOPIC_FORBIDDEN', detail: expect.stringContaining('sensors/water/w-1/telemetry') }] },
    });
    await expect(service.post({ login: device, domain: 'gas', deviceId: 'w-1', payload: json({ metrics: { ph: 7 } }) })).resolves.toMatchObject({ kind: 'forbidden' });
    expect(deadLetters.map((letter) => [letter.reason, letter.deviceId, letter.topic])).toEqual([
      ['TOPIC_FORBIDDEN', 'w-1', 'sensors/water/w-2/telemetry'],
      ['TOPIC_FORBIDDEN', 'w-1', 'sensors/gas/w-1/telemetry'],
    ]);
    expect(writer.offered).toHaveLength(0);
  });

  it('holds what a quarantined newcomer posts as DEVICE_QUARANTINED, learning its domain', async () => {
    service = build('quarantine');
    const newcomer = admitted('n-1', `Bearer ${'k'.repeat(44)}`);
    expect(newcomer.principal).toEqual({ kind: 'quarantined', deviceId: 'n-1' });
    await expect(service.post({ login: newcomer, domain: 'heat', deviceId: 'n-1', payload: json({ metrics: { flow_m3h: 3 } }) })).resolves.toMatchObject({
      kind: 'held',
      receipt: { accepted: 0, refused: [{ reason: 'DEVICE_QUARANTINED' }] },
    });
    expect(fixture.registry.find('n-1')).toMatchObject({ status: 'quarantined', domain: 'heat' });
    expect(deadLetters).toEqual([expect.objectContaining({ reason: 'DEVICE_QUARANTINED', deviceId: 'n-1', domain: 'heat' })]);
  });

  it('dead-letters an oversized body unread as PAYLOAD_TOO_LARGE, with its declared size', async () => {
    const device = admitted('w-1', `Bearer ${secret}`);
    await expect(service.refuseOversized({ login: device, domain: 'water', deviceId: 'w-1' }, 5000)).resolves.toEqual({
      kind: 'taken',
      receipt: { accepted: 0, duplicates: 0, refused: [{ reason: 'PAYLOAD_TOO_LARGE', detail: 'payload is 5000 bytes, limit 4096' }] },
    });
    expect(deadLetters).toEqual([expect.objectContaining({ reason: 'PAYLOAD_TOO_LARGE', deviceId: 'w-1', topic: 'sensors/water/w-1/telemetry' })]);
    expect(stats.snapshot()).toMatchObject({ received: 1, rejected: 1, balanced: true });
  });

  it('takes nothing and says so while the writer is full or the service stops', async () => {
    const device = admitted('w-1', `Bearer ${secret}`);
    writer.acceptsMore = false;
    expect(service.acceptsMore).toBe(false);
    await expect(service.post({ login: device, domain: 'water', deviceId: 'w-1', payload: json({ metrics: { ph: 7 } }) })).resolves.toMatchObject({ kind: 'busy' });
    expect(stats.snapshot()).toMatchObject({ received: 0 });
  });
});
