import { createServer as createHttpServer } from 'node:http';
import { createServer as createTcpServer, Socket } from 'node:net';
import { Domain, Reading } from '@hub/contract';
import {
  InfluxQueryClient,
  InfluxQueryError,
  InfluxV1LineSink,
  InfluxV2LineSink,
  LineSink,
  LineSinkWriteError,
  quoteIdentifier,
  quoteString,
  readingToLine,
  TagSet,
} from '@hub/influx';
import { freePort } from '../harness/free-port';
import { InfluxdProcess } from '../harness/influxd-process';
import { VictoriaMetricsProcess } from '../harness/victoria-metrics-process';

/** One stored sample, the same shape whichever server holds it. */
interface StoredPoint {
  readonly measurement: string;
  readonly tags: Record<string, string>;
  readonly field: string;
  readonly value: number;
  readonly ts: number;
}

interface LineSinkHarness {
  readonly sink: LineSink;
  /** The same kind of sink pointed at another server. */
  sinkAt(url: string, timeoutMs?: number): LineSink;
  /** Stored points of `measurement` whose device_id starts with `devicePrefix`, once `expected` points are there. */
  readBack(measurement: Domain, devicePrefix: string, expected: number): Promise<StoredPoint[]>;
  /** What the server does with a body holding one unparsable line among good ones. */
  readonly malformedLine: 'refused with 400, neighbours stored' | 'skipped silently, neighbours stored';
  /** What the server keeps when the same series and time are written twice. */
  readonly duplicatePoint: 'last write wins' | 'both kept';
  /** The value the server stores for TRICKY_TAG_VALUE written through readingToLine. */
  readonly storedTrickyTag: string;
  cleanup(): Promise<void>;
}

const T0 = Date.UTC(2024, 4, 1, 12, 0, 0, 123);
// Trailing backslash, spaces, a comma and `=`: each one alone can end a tag early if escaped wrongly.
const TRICKY_TAG_VALUE = 'North, Unit = 4 \\';

function reading(domain: Domain, deviceId: string, ts: number, metrics: Record<string, number>): Reading {
  return { domain, deviceId, ts, tsFromDevice: true, metrics };
}

function lines(readings: Reading[], extraTags?: TagSet): string {
  return readings.map((entry) => readingToLine(entry, extraTags)).join('\n');
}

function expected(domain: Domain, deviceId: string, ts: number, metrics: Record<string, number>, tags: Record<string, string> = {}): StoredPoint[] {
  return Object.entries(metrics).map(([field, value]) => ({ measurement: domain, tags: { device_id: deviceId, ...tags }, field, value, ts }));
}

function sorted(points: StoredPoint[]): StoredPoint[] {
  const key = (point: StoredPoint): string => `${point.measurement}|${point.tags.device_id}|${point.field}|${String(point.ts).padStart(15, '0')}`;
  return [...points].sort((a, b) => key(a).localeCompare(key(b)) || a.value - b.value);
}

async function writeError(action: Promise<void>): Promise<LineSinkWriteError> {
  const error: unknown = await action.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(LineSinkWriteError);
  return error as LineSinkWriteError;
}

/** Every LineSink must pass this suite (MQTT.js's abstractStoreTest pattern). */
function describeLineSinkContract(name: string, build: () => Promise<LineSinkHarness>): void {
  describe(`${name}: LineSink contract`, () => {
    let harness: LineSinkHarness;

    beforeAll(async () => {
      harness = await build();
      await harness.sink.prepare();
    });
    afterAll(async () => {
      await harness?.cleanup();
    });

    it('answers ping()', async () => {
      await expect(harness.sink.ping()).resolves.toBeUndefined();
    });

    it('stores every line with its exact float values and millisecond timestamp', async () => {
      const written = [
        reading('water', 'exact-1', T0, { pressure_kpa: 412.375, flow_m3h: 0.125 }),
        reading('water', 'exact-1', T0 + 1, { pressure_kpa: 412.5 }),
        reading('water', 'exact-2', T0 + 999, { pressure_kpa: 0, level_m: 1234567.125 }),
        reading('power', 'exact-3', T0 + 60_001, { active_power_kw: -1500.25, voltage_v: 2.5e-7, current_a: 6.02e23 }),
      ];
      await harness.sink.write(lines(written));

      expect(await harness.readBack('water', 'exact-', 5)).toEqual(
        sorted([
          ...expected('water', 'exact-1', T0, { pressure_kpa: 412.375, flow_m3h: 0.125 }),
          ...expected('water', 'exact-1', T0 + 1, { pressure_kpa: 412.5 }),
          ...expected('water', 'exact-2', T0 + 999, { pressure_kpa: 0, level_m: 1234567.125 }),
        ]),
      );
      expect(await harness.readBack('power', 'exact-', 3)).toEqual(
        sorted(expected('power', 'exact-3', T0 + 60_001, { active_power_kw: -1500.25, voltage_v: 2.5e-7, current_a: 6.02e23 })),
      );
    });

    it('keeps a tag value with a trailing backslash, spaces, a comma and = from breaking its line or its neighbours', async () => {
      const tags: TagSet = [['site', TRICKY_TAG_VALUE]];
      const body = [
        readingToLine(reading('heat', 'tag-1', T0, { flow_m3h: 81 }), [['site', 'plain']]),
        readingToLine(reading('heat', 'tag-2', T0, { flow_m3h: 82, supply_temp_c: 90.5 }), tags),
        readingToLine(reading('heat', 'tag-3', T0, { flow_m3h: 83 }), [['site', 'plain']]),
      ].join('\n');
      await harness.sink.write(body);

      expect(await harness.readBack('heat', 'tag-', 4)).toEqual(
        sorted([
          ...expected('heat', 'tag-1', T0, { flow_m3h: 81 }, { site: 'plain' }),
          ...expected('heat', 'tag-2', T0, { flow_m3h: 82, supply_temp_c: 90.5 }, { site: harness.storedTrickyTag }),
          ...expected('heat', 'tag-3', T0, { flow_m3h: 83 }, { site: 'plain' }),
        ]),
      );
    });

    it('handles a malformed line as documented for the server, and stores the lines around it', async () => {
      const body = [
        readingToLine(reading('gas', 'bad-1', T0, { pressure_kpa: 101 })),
        `gas,device_id=bad-2 pressure_kpa= ${T0}`,
        readingToLine(reading('gas', 'bad-3', T0, { pressure_kpa: 103 })),
      ].join('\n');

      if (harness.malformedLine === 'refused with 400, neighbours stored') {
        const error = await writeError(harness.sink.write(body));
        expect(error).toMatchObject({ retryable: false, statusCode: 400 });
        expect(error.serverMessage).toContain(`unable to parse 'gas,device_id=bad-2 pressure_kpa= ${T0}'`);
      } else {
        await expect(harness.sink.write(body)).resolves.toBeUndefined();
      }
      expect(await harness.readBack('gas', 'bad-', 2)).toEqual(
        sorted([...expected('gas', 'bad-1', T0, { pressure_kpa: 101 }), ...expected('gas', 'bad-3', T0, { pressure_kpa: 103 })]),
      );
    });

    it('rewriting the same series and time keeps what the server documents', async () => {
      await harness.sink.write(readingToLine(reading('traffic', 'dup-1', T0, { occupancy_pct: 10 })));
      await harness.sink.write(readingToLine(reading('traffic', 'dup-1', T0, { occupancy_pct: 20 })));

      const stored = await harness.readBack('traffic', 'dup-', harness.duplicatePoint === 'last write wins' ? 1 : 2);
      const values = harness.duplicatePoint === 'last write wins' ? [20] : [10, 20];
      expect(stored).toEqual(values.flatMap((value) => expected('traffic', 'dup-1', T0, { occupancy_pct: value })));
    });

    it('fails retryably when nothing listens on the port', async () => {
      const sink = harness.sinkAt(`http://127.0.0.1:${await freePort()}`);
      const writeFailure = await writeError(sink.write(readingToLine(reading('water', 'closed-1', T0, { ph: 7 }))));
      expect(writeFailure).toMatchObject({ retryable: true, statusCode: undefined });
      expect(writeFailure.message).toContain('ECONNREFUSED');
      expect(await writeError(sink.ping())).toMatchObject({ retryable: true });
    });

    it('fails retryably on a timeout, and closes the stalled connection', async () => {
      const stalled = await startStalledServer();
      try {
        const sink = harness.sinkAt(stalled.url, 300);
        const error = await writeError(sink.write(readingToLine(reading('water', 'slow-1', T0, { ph: 7 }))));
        expect(error).toMatchObject({ retryable: true, statusCode: undefined });
        expect(error.message).toContain('timed out');
        await stalled.allClosed();
      } finally {
        await stalled.close();
      }
    });

    it.each([
      { status: 500, json: '{"error":"engine: error syncing wal"}', retryable: true, serverMessage: 'engine: error syncing wal' },
      { status: 503, json: '{"error":"write queue full"}', retryable: true, serverMessage: 'write queue full' },
      { status: 429, json: '{"code":"too many requests","message":"org exceeded its write limit"}', retryable: true, serverMessage: 'org exceeded its write limit' },
      { status: 401, json: '{"error":"authorization failed"}', retryable: false, serverMessage: 'authorization failed' },
      { status: 413, json: '{"error":"Request Entity Too Large"}', retryable: false, serverMessage: 'Request Entity Too Large' },
    ])('maps an HTTP $status answer to retryable=$retryable with the server message', async ({ status, json, retryable, serverMessage }) => {
      const stub = await startStubServer(status, json);
      try {
        const error = await writeError(harness.sinkAt(stub.url).write(readingToLine(reading('water', 'stub-1', T0, { ph: 7 }))));
        expect(error).toMatchObject({ retryable, statusCode: status, serverMessage });
      } finally {
        await stub.close();
      }
    });
  });
}

describe('InfluxDB 1.6 (influxd)', () => {
  const database = 'contract';
  let influxd: InfluxdProcess;
  const v1Sink = (url: string, timeoutMs = 10_000, db = database): InfluxV1LineSink =>
    new InfluxV1LineSink({ api: 'v1', url, database: db, timeoutMs });

  beforeAll(async () => {
    influxd = await InfluxdProcess.start();
  });
  afterAll(async () => {
    await influxd?.cleanup();
  });

  describeLineSinkContract('InfluxV1LineSink → influxd 1.6', async () => ({
    sink: v1Sink(influxd.url),
    sinkAt: (url, timeoutMs) => v1Sink(url, timeoutMs),
    readBack: async (measurement, devicePrefix) => readInfluxd(influxd, database, measurement, devicePrefix),
    malformedLine: 'refused with 400, neighbours stored',
    duplicatePoint: 'last write wins',
    // InfluxDB 1.x never unescapes `\\`: the doubled run before the escaped space stays doubled.
    storedTrickyTag: 'North, Unit = 4 \\\\ ',
    cleanup: async () => undefined,
  }));

  describe('InfluxV1LineSink specifics', () => {
    it('prepare() creates the database and is idempotent', async () => {
      const sink = v1Sink(influxd.url, 10_000, 'prepared');
      await sink.prepare();
      await sink.prepare();
      const [databases] = await influxd.query('prepared', 'SHOW DATABASES');
      expect(databases.values.flat().filter((name) => name === 'prepared')).toEqual(['prepared']);
      await expect(sink.write(readingToLine(reading('water', 'prep-1', T0, { ph: 7 })))).resolves.toBeUndefined();
    });

    it('refuses a field type conflict with 400, not retryable, dropped=1 in the server message', async () => {
      const sink = v1Sink(influxd.url);
      await sink.write(readingToLine(reading('water', 'conflict-1', T0, { turbidity_ntu: 0.5 })));
      const error = await writeError(sink.write(`water,device_id=conflict-1 turbidity_ntu="cloudy" ${T0 + 1}`));
      expect(error).toMatchObject({ retryable: false, statusCode: 400 });
      expect(error.serverMessage).toBe(
        'partial write: field type conflict: input field "turbidity_ntu" on measurement "water" is type string, already exists as type float dropped=1',
      );
    });

    it('refuses a write to a missing database with 404, not retryable', async () => {
      const error = await writeError(v1Sink(influxd.url, 10_000, 'never-created').write(readingToLine(reading('water', 'nodb-1', T0, { ph: 7 }))));
      expect(error).toMatchObject({ retryable: false, statusCode: 404, serverMessage: 'database not found: "never-created"' });
    });

    it('gets 500 for an unknown retention policy, which therefore counts as retryable', async () => {
      const sink = new InfluxV1LineSink({ api: 'v1', url: influxd.url, database, retentionPolicy: 'no_such_rp', timeoutMs: 10_000 });
      const error = await writeError(sink.write(readingToLine(reading('water', 'rp-1', T0, { ph: 7 }))));
      expect(error).toMatchObject({ retryable: true, statusCode: 500, serverMessage: 'retention policy not found: no_such_rp' });
    });
  });

  describe('InfluxQueryClient against influxd', () => {
    let client: InfluxQueryClient;

    beforeAll(async () => {
      client = new InfluxQueryClient({ api: 'v1', url: influxd.url, database, timeoutMs: 10_000 });
      const sink = v1Sink(influxd.url);
      await sink.prepare();
      await sink.write(
        [
          readingToLine(reading('water', 'q-1', T0, { pressure_kpa: 1.5 }), [['site', `O'Brien "North" C:\\temp`]]),
          readingToLine(reading('water', 'q-2', T0 + 5, { pressure_kpa: 2.5 }), [['site', 'east']]),
        ].join('\n'),
      );
    });

    it('returns typed series, flattened across statements, with ms times', async () => {
      const series = await client.query(
        `SELECT pressure_kpa FROM water WHERE device_id =~ /^q-/; SELECT pressure_kpa FROM water WHERE device_id =~ /^q-/ GROUP BY device_id`,
      );
      expect(series).toEqual([
        { name: 'water', columns: ['time', 'pressure_kpa'], values: [[T0, 1.5], [T0 + 5, 2.5]] },
        { name: 'water', tags: { device_id: 'q-1' }, columns: ['time', 'pressure_kpa'], values: [[T0, 1.5]] },
        { name: 'water', tags: { device_id: 'q-2' }, columns: ['time', 'pressure_kpa'], values: [[T0 + 5, 2.5]] },
      ]);
    });

    it('quoteString and quoteIdentifier survive quotes and backslashes', async () => {
      const series = await client.query(`SELECT pressure_kpa FROM ${quoteIdentifier('water')} WHERE site = ${quoteString(`O'Brien "North" C:\\temp`)}`);
      expect(series).toEqual([{ name: 'water', columns: ['time', 'pressure_kpa'], values: [[T0, 1.5]] }]);

      // 1.6 refuses a backslash in database names ("invalid name"), so the backslash goes into a measurement.
      const awkwardDatabase = 'we"ird db';
      await influxd.createDatabase(awkwardDatabase);
      const [databases] = await client.query('SHOW DATABASES');
      expect(databases.values).toContainEqual([awkwardDatabase]);

      await v1Sink(influxd.url).write(`back\\slash,device_id=ident-1 v=1 ${T0}`);
      expect(await client.query(`SELECT v FROM ${quoteIdentifier('back\\slash')}`)).toEqual([
        { name: 'back\\slash', columns: ['time', 'v'], values: [[T0, 1]] },
      ]);
    });

    it('throws InfluxQueryError with the server message for a query that does not parse (HTTP 400)', async () => {
      const error: unknown = await client.query('SELEC * FROM water').catch((reason: unknown) => reason);
      expect(error).toBeInstanceOf(InfluxQueryError);
      expect(error).toMatchObject({ statusCode: 400 });
      expect((error as InfluxQueryError).serverMessage).toMatch(/^error parsing query: found SELEC, expected SELECT/);
    });

    it('throws InfluxQueryError with the server message for a failing statement (HTTP 200)', async () => {
      const missing = new InfluxQueryClient({ api: 'v1', url: influxd.url, database: 'no_such_db', timeoutMs: 10_000 });
      await expect(missing.query('SELECT * FROM water')).rejects.toMatchObject({
        name: 'InfluxQueryError',
        serverMessage: 'database not found: no_such_db',
      });
    });
  });

  describe('outage (runs last: it kills influxd)', () => {
    it('fails retryably while influxd is down, writes again after a restart on the same port, keeps earlier points', async () => {
      const sink = v1Sink(influxd.url);
      await sink.write(readingToLine(reading('water', 'outage-1', T0, { ph: 7 })));
      await influxd.kill();

      expect(await writeError(sink.write(readingToLine(reading('water', 'outage-1', T0 + 1, { ph: 7.5 }))))).toMatchObject({ retryable: true });
      await influxd.restart();
      await sink.write(readingToLine(reading('water', 'outage-1', T0 + 1, { ph: 7.5 })));

      expect(await readInfluxd(influxd, database, 'water', 'outage-')).toEqual([
        ...expected('water', 'outage-1', T0, { ph: 7 }),
        ...expected('water', 'outage-1', T0 + 1, { ph: 7.5 }),
      ]);
    });
  });
});

describe('VictoriaMetrics (InfluxDB v2 write API)', () => {
  let vm: VictoriaMetricsProcess;
  // VictoriaMetrics ignores org, bucket and token; dummies prove the sink sends them without tripping anything.
  const v2Sink = (url: string, timeoutMs = 10_000): InfluxV2LineSink =>
    new InfluxV2LineSink({ api: 'v2', url, token: 'dummy-token', org: 'county', bucket: 'sensing', timeoutMs });

  beforeAll(async () => {
    vm = await VictoriaMetricsProcess.start();
  });
  afterAll(async () => {
    await vm?.cleanup();
  });

  describeLineSinkContract('InfluxV2LineSink → victoria-metrics 1.79', async () => ({
    sink: v2Sink(vm.url),
    sinkAt: (url, timeoutMs) => v2Sink(url, timeoutMs),
    readBack: (measurement, devicePrefix, count) => readVictoriaMetrics(vm, measurement, devicePrefix, count),
    // VictoriaMetrics answers 204, logs "cannot unmarshal InfluxDB line ...; skipping it" and stores the rest.
    malformedLine: 'skipped silently, neighbours stored',
    // No -dedup.minScrapeInterval: both samples of the same timestamp are kept.
    duplicatePoint: 'both kept',
    // VictoriaMetrics unescapes `\\` to `\`, so it keeps the value plus the appended space.
    storedTrickyTag: 'North, Unit = 4 \\ ',
    cleanup: async () => undefined,
  }));
});

async function readInfluxd(influxd: InfluxdProcess, database: string, measurement: Domain, devicePrefix: string): Promise<StoredPoint[]> {
  // GROUP BY * puts tags in series.tags, so the columns are time + fields only; absent tags come back as ''.
  const series = await influxd.query(database, `SELECT * FROM ${quoteIdentifier(measurement)} GROUP BY *`);
  const points: StoredPoint[] = [];
  for (const entry of series) {
    const tags = Object.fromEntries(Object.entries(entry.tags ?? {}).filter(([, value]) => value !== ''));
    if (!tags.device_id?.startsWith(devicePrefix)) continue;
    for (const row of entry.values) {
      entry.columns.forEach((field, index) => {
        const value = row[index];
        if (index > 0 && typeof value === 'number') points.push({ measurement: entry.name, tags, field, value, ts: row[0] as number });
      });
    }
  }
  return sorted(points);
}

async function readVictoriaMetrics(vm: VictoriaMetricsProcess, measurement: Domain, devicePrefix: string, count: number): Promise<StoredPoint[]> {
  const series = await vm.waitForSamples(`{__name__=~"${measurement}_.+", device_id=~"${devicePrefix}.*"}`, count);
  return sorted(
    series.flatMap(({ metric: { __name__: name, ...tags }, values, timestamps }) =>
      values.map((value, index) => ({ measurement, tags, field: name.slice(measurement.length + 1), value, ts: timestamps[index] })),
    ),
  );
}

/** Accepts connections and never answers: the shape of an overloaded or hung server. */
async function startStalledServer(): Promise<{ url: string; allClosed(): Promise<void>; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const closed: Promise<void>[] = [];
  const server = createTcpServer((socket) => {
    sockets.add(socket);
    socket.resume();
    closed.push(new Promise((resolve) => socket.once('close', () => resolve())));
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    allClosed: async () => {
      expect(closed.length).toBeGreaterThan(0);
      await Promise.all(closed);
    },
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** Answers every request with one status and JSON body: responses real servers give only under load or misconfiguration. */
async function startStubServer(status: number, json: string): Promise<{ url: string; close(): Promise<void> }> {
  const server = createHttpServer((request, response) => {
    request.resume();
    request.on('end', () => response.writeHead(status, { 'content-type': 'application/json' }).end(json));
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
