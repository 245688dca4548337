import { Agent } from 'node:http';
import type { RejectReason } from '@hub/contract';
import type { DeadLetter } from '@hub/pipeline';
import { HubProcess } from '../harness/hub-process';
import { IngestResponse, postReadings } from '../harness/http-ingest';
import { InfluxdProcess } from '../harness/influxd-process';
import { settled, stats } from '../harness/hub-stats';
import { provisionDevices } from '../harness/provision';
import { storedReadings } from '../harness/stored-readings';
import { waitFor } from '../harness/wait-for';

/**
 * The PUBACK promise over HTTP: 20 devices post 1,000 readings in batches of 10 over keep-alive connections, some
 * readings deliberately invalid, while influxd is stopped for 20 s in the middle. Every reading answered as accepted
 * must be in InfluxDB exactly once with its values, every refused one answered with its reason and in the dead
 * letters at its index, and the accounting must balance.
 */
const DATABASE = 'hub_http_no_loss';
const CLIENTS = 20;
const BATCHES = 5;
const BATCH_SIZE = 10;
const BATCH_INTERVAL_MS = 6000;
const OUTAGE_MS = 20_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface PlannedReading {
  readonly ts: number;
  readonly metrics: Record<string, number>;
  /** Why the hub must refuse it; undefined for a valid reading. */
  readonly refusedAs?: RejectReason;
}

/** Reading `n` of a device: every 9th out of range, every 13th with a metric water does not have, the rest valid. */
function plannedReading(n: number, tsBase: number): PlannedReading {
  const ts = tsBase + n * 1000;
  if (n % 9 === 4) return { ts, metrics: { pressure_kpa: 99_999 }, refusedAs: 'VALUE_OUT_OF_RANGE' };
  if (n % 13 === 6) return { ts, metrics: { voltage_v: 230 }, refusedAs: 'METRIC_UNKNOWN' };
  return { ts, metrics: { pressure_kpa: 300 + (n % 50), flow_m3h: Math.round(n * 1.5 * 100) / 100 } };
}

describe('HTTP ingest loses no accepted reading (real influxd stopped for 20 s, real service, real HTTP clients)', () => {
  let influxd: InfluxdProcess;
  let hub: HubProcess;

  beforeAll(async () => {
    influxd = await InfluxdProcess.start();
    hub = await HubProcess.start({
      INFLUX_URL: influxd.url,
      INFLUX_DATABASE: DATABASE,
      INFLUX_TIMEOUT: '2s',
      HUB_WRITE_FLUSH_INTERVAL: '50ms',
      HUB_WRITE_RETRY_MAX: '1s',
      HUB_SPOOL_REPLAY_RATE: '50000',
    });
  });

  afterAll(async () => {
    await hub?.cleanup();
    await influxd?.cleanup();
  });

  it('stores exactly the readings answered as accepted, once each, and dead-letters the refused ones with their reasons', async () => {
    const devices = Array.from({ length: CLIENTS }, (_, index) => ({ deviceId: `hnl-${index}`, domain: 'water' as const }));
    const secrets = await provisionDevices(hub, devices);
    const before = await stats(hub);
    const tsBase = Date.now() - 3_600_000;
    let influxDown = false;
    let answeredDuringOutage = 0;
    const answers: Array<{ deviceId: string; batch: PlannedReading[]; response: IngestResponse }> = [];
    const retries: string[] = [];

    const client = async ({ deviceId }: { deviceId: string }, index: number): Promise<void> => {
      // The service closes a connection idle for 5 s (Node's keep-alive timeout); a client that idles longer between
      // posts drops it first (the agent's timeout), or its next post may race the close ("socket hang up").
      const agent = new Agent({ keepAlive: true, maxSockets: 1, timeout: 4000 });
      // Spread the clients over the first interval, so posts arrive all through the run.
      await sleep((index * BATCH_INTERVAL_MS) / CLIENTS);
      for (let batchIndex = 0; batchIndex < BATCHES; batchIndex++) {
        const batch = Array.from({ length: BATCH_SIZE }, (_, offset) => plannedReading(batchIndex * BATCH_SIZE + offset, tsBase));
        const body = batch.map(({ ts, metrics }) => ({ ts, metrics }));
        for (;;) {
          const response = await postReadings(hub, { domain: 'water', deviceId, body, secret: secrets.get(deviceId), agent });
          // 503 means nothing was taken: send the same batch again when told (none is expected here: memory never fills).
          if (response.status === 503) {
            retries.push(`${deviceId}#${batchIndex}: ${response.body.message ?? ''}`);
            await sleep(Number(response.retryAfter ?? 1) * 1000);
            continue;
          }
          if (influxDown) answeredDuringOutage++;
          answers.push({ deviceId, batch, response });
          break;
        }
        await sleep(BATCH_INTERVAL_MS);
      }
      agent.destroy();
    };

    const run = Promise.all(devices.map(client));
    await sleep(BATCH_INTERVAL_MS / 2);
    await influxd.stop();
    influxDown = true;
    await waitFor(() => stats(hub), (snapshot) => snapshot.spooled > 0, 15_000, 'posted readings spooled during the outage');
    await sleep(OUTAGE_MS - 1000);
    influxDown = false;
    await influxd.restart();
    await run;

    // Every post answered 200, with exactly the planned refusals at their indices and everything else accepted.
    expect(retries).toEqual([]);
    expect(answers).toHaveLength(CLIENTS * BATCHES);
    expect(answeredDuringOutage).toBeGreaterThanOrEqual(CLIENTS * 2);
    const wrongAnswers = answers.filter(({ batch, response }) => {
      const refused = batch.flatMap((reading, index) => (reading.refusedAs === undefined ? [] : [{ index, reason: reading.refusedAs }]));
      const got = response.body.refused.map(({ index, reason }) => ({ index, reason }));
      return response.status !== 200 || response.body.accepted !== BATCH_SIZE - refused.length || response.body.duplicates !== 0 || JSON.stringify(got) !== JSON.stringify(refused);
    });
    expect(wrongAnswers.slice(0, 3)).toEqual([]);
    expect(answers.every(({ response }) => response.body.refused.every((refusal) => refusal.message.length > 0))).toBe(true);

    const accepted = answers.flatMap(({ deviceId, batch }) => batch.filter((reading) => reading.refusedAs === undefined).map((reading) => ({ deviceId, ...reading })));
    const refused = answers.flatMap(({ deviceId, batch }) => batch.flatMap((reading, index) => (reading.refusedAs === undefined ? [] : [{ deviceId, index, reason: reading.refusedAs }])));
    expect(accepted.length + refused.length).toBe(1000);

    // The accounting balances, and the outage really happened: writes failed, batches were spooled and replayed.
    const after = await settled(hub);
    expect({
      received: after.received - before.received,
      accepted: after.accepted - before.accepted,
      rejected: after.rejected - before.rejected,
      written: after.written - before.written,
      duplicates: after.duplicates - before.duplicates,
      balanced: after.balanced,
    }).toEqual({ received: 1000, accepted: accepted.length, rejected: refused.length, written: accepted.length, duplicates: 0, balanced: true });
    expect(after.writeErrors).toBeGreaterThan(0);
    expect(after.replayedBatches).toBeGreaterThan(0);

    // In InfluxDB: exactly the accepted readings, each once (one point per series and time), with their values.
    const stored = await storedReadings(influxd, DATABASE, 'hnl-');
    const wanted = new Map(accepted.map((reading) => [`${reading.deviceId}@${reading.ts}`, reading.metrics]));
    const missingOrWrong = [...wanted].filter(([key, metrics]) => JSON.stringify(stored.get(key)) !== JSON.stringify(sortKeys(metrics)));
    const unexpected = [...stored.keys()].filter((key) => !wanted.has(key));
    expect({ missingOrWrong: missingOrWrong.slice(0, 5), unexpected: unexpected.slice(0, 5) }).toEqual({ missingOrWrong: [], unexpected: [] });
    expect(stored.size).toBe(accepted.length);

    // In the dead letters: each refused reading once, at its index, with its reason.
    const letters = (await hub.get<{ items: DeadLetter[] }>('/api/dead-letters?limit=1000')).body.items.filter((letter) => letter.deviceId?.startsWith('hnl-'));
    const key = (letter: { deviceId: string | null; reason: string }, ts: number) => `${letter.deviceId} ${letter.reason} ${ts}`;
    const letterKeys = letters.map((letter) => key(letter, (JSON.parse(letter.payload) as { ts: number }).ts)).sort();
    const refusedKeys = answers
      .flatMap(({ deviceId, batch }) => batch.filter((reading) => reading.refusedAs !== undefined).map((reading) => key({ deviceId, reason: reading.refusedAs as string }, reading.ts)))
      .sort();
    expect(letterKeys).toEqual(refusedKeys);
    expect(letters.every((letter) => letter.batchIndex !== null && letter.topic === `sensors/water/${letter.deviceId}/telemetry`)).toBe(true);
  });

  it('answers 503 with Retry-After, taking nothing, while the spool and memory are full; the same posts succeed once InfluxDB is back', async () => {
    const full = await HubProcess.start({
      INFLUX_URL: influxd.url,
      INFLUX_DATABASE: 'hub_http_full',
      INFLUX_TIMEOUT: '2s',
      HUB_SPOOL_MAX_BYTES: '1MiB',
      HUB_WRITE_BUFFER_READINGS: '1000',
      HUB_WRITE_BATCH_SIZE: '500',
      HUB_WRITE_FLUSH_INTERVAL: '50ms',
      HUB_WRITE_RETRY_MAX: '1s',
    });
    try {
      const devices = Array.from({ length: 4 }, (_, index) => ({ deviceId: `hfull-${index}`, domain: 'power' as const }));
      const secrets = await provisionDevices(full, devices);
      await influxd.stop();
      const tsBase = Date.now() - 3_600_000;
      const refusals: IngestResponse[] = [];
      let influxBack = false;
      const client = async ({ deviceId }: { deviceId: string }): Promise<number> => {
        const agent = new Agent({ keepAlive: true, maxSockets: 1, timeout: 4000 });
        let accepted = 0;
        for (let batchIndex = 0; batchIndex < 16; batchIndex++) {
          const body = Array.from({ length: 500 }, (_, offset) => ({ ts: tsBase + (batchIndex * 500 + offset) * 10, metrics: { voltage_v: 230 + (offset % 10), current_a: 12.5 } }));
          for (;;) {
            const response = await postReadings(full, { domain: 'power', deviceId, body, secret: secrets.get(deviceId), agent });
            if (response.status === 200) {
              accepted += response.body.accepted;
              break;
            }
            // Only while InfluxDB is away, and always "nothing taken, later".
            if (response.status !== 503 || influxBack) throw new Error(`${deviceId}#${batchIndex}: ${response.status} ${JSON.stringify(response.body)}`);
            refusals.push(response);
            await sleep(1000);
          }
        }
        agent.destroy();
        return accepted;
      };
      const run = Promise.all(devices.map(client));
      await waitFor(async () => refusals.length, (count) => count >= 4, 60_000, 'posts refused with 503');
      const stalled = await stats(full);
      expect(stalled.balanced).toBe(true);
      expect((await full.get<{ spool: { full: boolean } }>('/api/health')).body.spool.full).toBe(true);
      influxBack = true;
      await influxd.restart();
      const accepted = await run;

      expect(refusals[0]).toMatchObject({
        status: 503,
        retryAfter: '5',
        body: { statusCode: 503, error: 'SERVICE_UNAVAILABLE', code: 'unavailable', message: expect.stringMatching(/^Not taken, send again in 5 s: the service holds as many readings in memory as it may/) },
      });
      expect(accepted).toEqual([8000, 8000, 8000, 8000]);
      const after = await settled(full);
      // The refused posts were not received: every reading counted once, when it was taken.
      expect({ received: after.received, accepted: after.accepted, written: after.written, balanced: after.balanced }).toEqual({ received: 32_000, accepted: 32_000, written: 32_000, balanced: true });
      expect((await storedReadings(influxd, 'hub_http_full', 'hfull-')).size).toBe(32_000);
    } finally {
      await full.cleanup();
    }
  });
});

function sortKeys(metrics: Readonly<Record<string, number>>): Record<string, number> {
  return Object.fromEntries(Object.entries(metrics).sort(([a], [b]) => a.localeCompare(b)));
}
