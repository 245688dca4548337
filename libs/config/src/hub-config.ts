import { ValidationLimits } from '@hub/contract';
import { bytesAllowed, ConfigError, ConfigReader, Env, VariableNotes } from './env-parsers';
import { AccessConfig, readAccessConfig } from './access-config';
import { AlertConfig, readAlertConfig } from './alert-config';
import { PerimeterConfig, readPerimeterConfig } from './perimeter-config';
import { DeviceConfig, readDeviceConfig } from './device-config';
import { OperatorConfig, readOperatorConfig } from './operator-config';
import { readRuntimeConfig, RuntimeConfig } from './runtime-config';
import { readStandardsConfig, StandardsConfig } from './standards-config';
import { MapConfig, readMapConfig } from './map-config';
import { readReportConfig, ReportConfig } from './report-config';
import { BackupConfig, PruneConfig, readBackupConfig, readPruneConfig } from './data-lifecycle-config';
import { readRetentionConfig, RetentionConfig } from './retention-config';
import { ClusterConfig, readClusterConfig } from './cluster-config';

export interface InfluxV1Config {
  readonly api: 'v1';
  readonly url: string;
  readonly database: string;
  readonly retentionPolicy?: string;
  readonly username?: string;
  readonly password?: string;
  readonly timeoutMs: number;
}

export interface InfluxV2Config {
  readonly api: 'v2';
  readonly url: string;
  readonly token: string;
  readonly org: string;
  readonly bucket: string;
  readonly timeoutMs: number;
}

export type InfluxConfig = InfluxV1Config | InfluxV2Config;

export interface WriterConfig {
  /** Lines per POST to InfluxDB. */
  readonly batchSize: number;
  /** Longest a reading waits in memory before its batch is sent. */
  readonly flushIntervalMs: number;
  /** Readings held in memory at most; past this, acknowledgements wait (back-pressure) instead of dropping. */
  readonly maxBufferedReadings: number;
  /** Batches sent to InfluxDB at once. */
  readonly concurrency: number;
  readonly retryMinMs: number;
  readonly retryMaxMs: number;
  /** A batch InfluxDB has not confirmed after this long goes to the outage spool, so its devices are acknowledged. */
  readonly spoolAfterMs: number;
}

export interface SpoolConfig {
  /** Cap on the outage spool's size on disk; null: a quarter of the free disk space at start. */
  readonly maxBytes: number | null;
  /** Readings per second replayed from the spool at most, so live readings keep flowing after an outage. */
  readonly replayRate: number;
  readonly segmentBytes: number;
  /**
   * On PostgreSQL: how long a node's claim on a shared spool batch it is replaying lasts (renewed while it retries);
   * a batch of a node that died is taken over by another this long after its last claim.
   */
  readonly claimLeaseMs: number;
}

export interface HubConfig {
  /** port null: no plaintext MQTT listener (devices use MQTT over TLS). */
  readonly mqtt: { readonly host: string; readonly port: number | null; readonly wsPort: number | null };
  /** publicUrl: where people reach the console, for links in notifications (no trailing slash). */
  readonly http: { readonly host: string; readonly port: number; readonly publicUrl: string };
  readonly dataDir: string;
  /** HUB_DATABASE_URL: PostgreSQL for the shared state; null keeps it in SQLite in the data folder. */
  readonly databaseUrl: string | null;
  readonly influx: InfluxConfig;
  readonly writer: WriterConfig;
  readonly spool: SpoolConfig;
  /** Readings with a seq already seen from the same device within this window are dropped as resends. */
  readonly seqDedupeWindowMs: number;
  readonly validation: ValidationLimits;
  readonly deadLetters: { readonly maxRows: number; readonly maxPayloadBytes: number };
  readonly logLevel: 'error' | 'warn' | 'log' | 'debug';
  readonly alerts: AlertConfig;
  /** text: one readable line per entry; json: one JSON object per line, for a log shipper. */
  readonly logFormat: 'text' | 'json';
  readonly access: AccessConfig;
  readonly perimeter: PerimeterConfig;
  readonly devices: DeviceConfig;
  readonly operators: OperatorConfig;
  readonly runtime: RuntimeConfig;
  /** The county's time zone (IANA): its days, for day and week buckets, quiet hours and the times in messages. */
  readonly timeZone: string;
  /** The standards profile wanted at the first start (HUB_STANDARDS_PROFILE, else derived from the zone and locale). */
  readonly standards: StandardsConfig;
  /** The console's map: an optional base-map tile server, the boundary file limit. */
  readonly map: MapConfig;
  /** Scheduled reports: how often closed periods are looked for. */
  readonly reports: ReportConfig;
  /** How long the embedded database keeps each kind of history. */
  readonly prune: PruneConfig;
  /** Backups of the embedded database and the configuration: where, how often, how many. */
  readonly backup: BackupConfig;
  /** How long raw readings and their minute and hour aggregates are kept, and the downsampler's pace (v1). */
  readonly retention: RetentionConfig;
  /** This node's name, and Redis when several nodes run as one (docs/cluster.md). */
  readonly cluster: ClusterConfig;
}

export class InvalidConfigError extends Error {
  constructor(readonly errors: readonly ConfigError[]) {
    super(`Invalid environment variables:\n${errors.map((error) => `  - ${error.message}`).join('\n')}`);
    this.name = 'InvalidConfigError';
  }
}

const DAY = 86_400_000;
const RETRY_MIN_DEFAULT = '200ms';
const RETRY_MAX_DEFAULT = '10s';
const SPOOL_MIN_BYTES = 1024 * 1024;
const SPOOL_MAX_BYTES: VariableNotes = {
  description: 'cap on the outage spool on disk; when full, acknowledgements stop rather than data being dropped',
  default: '(a quarter of the free disk at start)',
  allowed: bytesAllowed(SPOOL_MIN_BYTES, Number.MAX_SAFE_INTEGER),
};

function readHttpConfig(read: ConfigReader): HubConfig['http'] {
  const host = read.string('HUB_HTTP_HOST', '0.0.0.0', 'address the HTTP API and console bind');
  const port = read.port('HUB_HTTP_PORT', 3000, 'HTTP API, operator console, OpenAPI docs, metrics (HTTPS with a certificate)');
  const publicUrl = read.url('HUB_PUBLIC_URL', `http://localhost:${port}`, {
    description: 'the console\'s address as people on duty reach it: notifications link to `{HUB_PUBLIC_URL}/alerts/{id}`',
    default: 'http://localhost:{HUB_HTTP_PORT}',
  });
  return { host, port, publicUrl };
}

/** Parses and validates the whole environment once, at boot. Throws InvalidConfigError listing every bad variable. */
export function loadHubConfig(env: Env): HubConfig {
  const read = new ConfigReader(env);
  const config = readHubConfig(read);
  if (read.errors.length > 0) throw new InvalidConfigError(read.errors);
  return config;
}

/**
 * Reads every variable through `read`, recording each (with its description) and every problem in it; the caller
 * decides what problems mean. docs/configuration.md is rendered from what this reads (apps/docs).
 */
export function readHubConfig(read: ConfigReader): HubConfig {
  const influxApi = read.oneOf('INFLUX_API', ['v1', 'v2'] as const, 'v1', 'v1: InfluxDB 1.x `/write` (any 1.x, including Debian\'s 1.6); v2: `/api/v2/write` (InfluxDB 1.8+, 2.x, 3.x)');
  const influxUrl = read.url('INFLUX_URL', 'http://127.0.0.1:8086', 'InfluxDB base URL (`npm start` runs a local one when unset); credentials go in INFLUX_USERNAME/INFLUX_PASSWORD or INFLUX_TOKEN, since the URL appears in logs and health errors');
  const timeoutMs = read.duration('INFLUX_TIMEOUT', '10s', 100, 600_000, 'per request to InfluxDB');
  let influx: InfluxConfig;
  if (influxApi === 'v1') {
    influx = {
      api: 'v1',
      url: influxUrl,
      database: read.string('INFLUX_DATABASE', 'county_sensing', 'v1: the database (created at start when missing)'),
      retentionPolicy: read.optionalString('INFLUX_RETENTION_POLICY', { description: 'v1: retention policy of the raw readings (its duration is HUB_RETENTION_RAW); one the database does not have stops the start', default: '(the database\'s default)' }),
      username: read.optionalString('INFLUX_USERNAME', 'v1: user name'),
      password: read.optionalString('INFLUX_PASSWORD', 'v1: password'),
      timeoutMs,
    };
  } else {
    const required = (name: string, description: string): string => {
      const value = read.optionalString(name, { description, allowed: 'required when INFLUX_API=v2' });
      if (value === undefined) read.errors.push(new ConfigError(name, '', 'required when INFLUX_API=v2'));
      return value ?? '';
    };
    influx = {
      api: 'v2',
      url: influxUrl,
      token: required('INFLUX_TOKEN', 'v2: API token'),
      org: required('INFLUX_ORG', 'v2: organisation'),
      bucket: required('INFLUX_BUCKET', 'v2: bucket; reads use InfluxQL on `/query?db=<bucket>`, so InfluxDB 2.x needs a DBRP mapping for it (`docker/influxdb-init/create-dbrp.sh`)'),
      timeoutMs,
    };
  }

  const databaseUrl = readDatabaseUrl(read);
  const base: Omit<HubConfig, 'standards'> = {
    mqtt: {
      host: read.string('HUB_MQTT_HOST', '0.0.0.0', 'address the MQTT listeners bind'),
      port: read.portOrOff('HUB_MQTT_PORT', 1883, 'MQTT over TCP; off disables it (only with a certificate, devices then using MQTT over TLS, or behind a load balancer on HUB_MQTT_PROXY_PORT)'),
      wsPort: read.portOrOff('HUB_MQTT_WS_PORT', 8083, 'MQTT over WebSocket (wss with a certificate); off disables it'),
    },
    http: readHttpConfig(read),
    dataDir: read.string('HUB_DATA_DIR', './data', 'embedded SQLite database (registry, operators, sessions, API keys, audit log, alerts, dead letters, device state), the outage spool, the first admin\'s password file, and hub.lock, locked while a hub runs on the folder'),
    databaseUrl,
    influx,
    writer: {
      batchSize: read.int('HUB_WRITE_BATCH_SIZE', 5000, 1, 100_000, 'lines per write request to InfluxDB'),
      flushIntervalMs: read.duration('HUB_WRITE_FLUSH_INTERVAL', '100ms', 1, 60_000, 'longest a reading waits in memory before its batch is sent'),
      maxBufferedReadings: read.int('HUB_WRITE_BUFFER_READINGS', 200_000, 1, 10_000_000, 'readings held in memory at most; beyond it acknowledgements wait (back-pressure), nothing is dropped'),
      concurrency: read.int('HUB_WRITE_CONCURRENCY', 2, 1, 16, 'write requests in flight'),
      retryMinMs: read.duration('HUB_WRITE_RETRY_MIN', RETRY_MIN_DEFAULT, 1, 60_000, 'shortest back-off after a failed write (InfluxDB is retried without limit); at most HUB_WRITE_RETRY_MAX'),
      retryMaxMs: read.duration('HUB_WRITE_RETRY_MAX', RETRY_MAX_DEFAULT, 1, 600_000, 'longest back-off after failed writes'),
      spoolAfterMs: read.duration('HUB_SPOOL_AFTER', '2s', 1, 600_000, 'a batch InfluxDB has not confirmed by then goes to the outage spool, so its devices are acknowledged'),
    },
    spool: {
      maxBytes: read.has('HUB_SPOOL_MAX_BYTES', SPOOL_MAX_BYTES)
        ? read.bytes('HUB_SPOOL_MAX_BYTES', 0, SPOOL_MIN_BYTES, Number.MAX_SAFE_INTEGER, SPOOL_MAX_BYTES)
        : null,
      replayRate: read.int('HUB_SPOOL_REPLAY_RATE', 20_000, 1, 10_000_000, 'readings per second written back from the spool at most, so live readings keep flowing'),
      segmentBytes: 16 * 1024 * 1024,
      claimLeaseMs: read.duration('HUB_SPOOL_CLAIM_LEASE', '30s', 1_000, 3_600_000, 'on PostgreSQL: how long a node holds a batch of the shared spool it is replaying; a dead node\'s batch is replayed by another this long after; longer than INFLUX_TIMEOUT'),
    },
    seqDedupeWindowMs: read.duration('HUB_SEQ_DEDUPE_WINDOW', '10m', 0, 7 * DAY, 'how long a device\'s (seq, ts) pairs are remembered to drop exact resends; 0s turns it off'),
    validation: {
      maxPayloadBytes: read.bytes('HUB_MAX_PAYLOAD_BYTES', 256 * 1024, 64, 64 * 1024 * 1024, 'larger payloads (MQTT messages, HTTP ingest bodies) are refused (PAYLOAD_TOO_LARGE) before parsing'),
      maxBatchReadings: read.int('HUB_MAX_BATCH_READINGS', 1000, 1, 100_000, 'readings per array payload (BATCH_TOO_LARGE)'),
      maxAgeMs: read.duration('HUB_MAX_READING_AGE', '7d', 60_000, 3650 * DAY, 'readings older than this are refused (TS_TOO_OLD)'),
      maxFutureMs: read.duration('HUB_MAX_FUTURE_SKEW', '5m', 0, DAY, 'readings further ahead of the server clock are refused (TS_IN_FUTURE)'),
    },
    deadLetters: {
      maxRows: read.int('HUB_DEAD_LETTER_MAX_ROWS', 100_000, 10, 100_000_000, 'dead letters kept; the oldest are evicted (and counted) beyond it'),
      maxPayloadBytes: read.bytes('HUB_DEAD_LETTER_PAYLOAD_BYTES', 4096, 64, 1024 * 1024, 'raw payload kept per dead letter (its true size is recorded too)'),
    },
    logLevel: read.oneOf('HUB_LOG_LEVEL', ['error', 'warn', 'log', 'debug'] as const, 'log', 'the least severe log entries written'),
    alerts: readAlertConfig(read),
    logFormat: read.oneOf('HUB_LOG_FORMAT', ['text', 'json'] as const, 'text', 'text: one readable line per entry; json: one JSON object per line, for a log shipper'),
    access: readAccessConfig(read),
    perimeter: readPerimeterConfig(read),
    devices: readDeviceConfig(read),
    operators: readOperatorConfig(read),
    runtime: readRuntimeConfig(read),
    map: readMapConfig(read),
    reports: readReportConfig(read),
    timeZone: read.timeZone('HUB_TIME_ZONE', "the county's time zone: a day of the readings API's day and week buckets is the county's day, quiet hours without a zone use it, and scheduled reports cover its days, weeks (from Monday) and months"),
    prune: readPruneConfig(read),
    backup: readBackupConfig(read),
    retention: readRetentionConfig(read),
    cluster: readClusterConfig(read, databaseUrl),
  };
  // Read after HUB_TIME_ZONE, from which it is derived when unset.
  const config: HubConfig = { ...base, standards: readStandardsConfig(read, base.timeZone) };
  // Plain MQTT off needs another way in: MQTT over TLS, or the PROXY port behind a load balancer.
  if (config.mqtt.port === null && config.perimeter.tls === null && config.cluster.mqttProxyPort === null) {
    read.errors.push(
      new ConfigError('HUB_MQTT_PORT', 'off', 'needs a certificate (HUB_TLS_CERT_FILE and HUB_TLS_KEY_FILE) or HUB_MQTT_PROXY_PORT: without either there is no other MQTT port to use instead'),
    );
  }
  if (config.writer.retryMinMs > config.writer.retryMaxMs) {
    // Name the values as the operator wrote them (or the defaults), not as milliseconds.
    const retryMin = read.string('HUB_WRITE_RETRY_MIN', RETRY_MIN_DEFAULT);
    const retryMax = read.string('HUB_WRITE_RETRY_MAX', RETRY_MAX_DEFAULT);
    read.errors.push(new ConfigError('HUB_WRITE_RETRY_MIN', retryMin, `must not exceed HUB_WRITE_RETRY_MAX (${retryMax})`));
  }
  if (config.databaseUrl !== null && config.backup.everyMs !== null) {
    // The hub's backup copies the embedded database; PostgreSQL's is the database's own tools'.
    read.errors.push(new ConfigError('HUB_BACKUP_EVERY', read.string('HUB_BACKUP_EVERY', 'off'), 'off while HUB_DATABASE_URL is set: back PostgreSQL up with pg_dump or pgBackRest (docs/operations.md)'));
  }
  return config;
}

const DATABASE_URL_ALLOWED = 'postgres://user:password@host:5432/database, several hosts separated by commas (with ?target_session_attrs=read-write to follow a failover)';

function readDatabaseUrl(read: ConfigReader): string | null {
  const value = read.optionalString('HUB_DATABASE_URL', {
    description: 'PostgreSQL for the shared state (registry, operators, sessions, API keys, audit log, alerts, dead letters…), for several hub nodes or a replicated database; unset keeps it in SQLite in HUB_DATA_DIR. `npm run db:migrate-to-postgres` moves an existing county',
    allowed: DATABASE_URL_ALLOWED,
    default: '(SQLite in HUB_DATA_DIR)',
  });
  if (value === undefined) return null;
  if (!/^postgres(ql)?:\/\/[^/?#]+/.test(value)) {
    // Never echo it: it may hold the password.
    read.errors.push(new ConfigError('HUB_DATABASE_URL', `(${value.length} characters, hidden: it may hold a password)`, DATABASE_URL_ALLOWED));
    return null;
  }
  return value;
}
