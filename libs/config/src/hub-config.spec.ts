import { parseDuration } from '@hub/common';
import { ConfigError, Env, parseBytes } from './env-parsers';
import { HubConfig, InvalidConfigError, loadHubConfig } from './hub-config';
import { deriveStandardsProfile } from './standards-config';

/** The error loadHubConfig throws for this environment; fails the test when it does not throw one. */
function invalid(env: Env): InvalidConfigError {
  try {
    loadHubConfig(env);
  } catch (error) {
    if (error instanceof InvalidConfigError) return error;
    throw error;
  }
  throw new Error(`expected loadHubConfig(${JSON.stringify(env)}) to throw InvalidConfigError`);
}

/** variable, value, allowed of each error, in order. */
function reported(env: Env): Array<[string, string, string]> {
  return invalid(env).errors.map((error) => [error.variable, error.value, error.allowed]);
}

const DEFAULTS: HubConfig = {
  mqtt: { host: '0.0.0.0', port: 1883, wsPort: 8083 },
  http: { host: '0.0.0.0', port: 3000, publicUrl: 'http://localhost:3000' },
  dataDir: './data',
  databaseUrl: null,
  influx: {
    api: 'v1',
    url: 'http://127.0.0.1:8086',
    database: 'county_sensing',
    retentionPolicy: undefined,
    username: undefined,
    password: undefined,
    timeoutMs: 10_000,
  },
  writer: { batchSize: 5000, flushIntervalMs: 100, maxBufferedReadings: 200_000, concurrency: 2, retryMinMs: 200, retryMaxMs: 10_000, spoolAfterMs: 2000 },
  spool: { maxBytes: null, replayRate: 20_000, segmentBytes: 16 * 1024 * 1024, claimLeaseMs: 30_000 },
  seqDedupeWindowMs: 600_000,
  validation: { maxPayloadBytes: 262_144, maxBatchReadings: 1000, maxAgeMs: 604_800_000, maxFutureMs: 300_000 },
  deadLetters: { maxRows: 100_000, maxPayloadBytes: 4096 },
  logLevel: 'log',
  alerts: {
    loadDefaultRules: true,
    lateDataMs: 600_000,
    maxCatchUpMs: 21_600_000,
    webhooks: [],
    webhookTimeoutMs: 5000,
    contactPointTimeoutMs: 10_000,
    notifyLanguage: 'en',
    notifyRetryMinMs: 1000,
    notifyRetryMaxMs: 60_000,
    notifyGiveUpAfterMs: 86_400_000,
    notifyBacklog: 1000,
    policyTickMs: 1000,
  },
  logFormat: 'text',
  access: { bootstrapApiKey: null },
  perimeter: {
    tls: null,
    publishRate: { perSecond: 100, burst: 500, abuseAfterMs: 300_000 },
    connectRate: { perSecond: 50, burst: 500 },
    loginBackoff: { failures: 100, windowMs: 60_000, blockMs: 300_000 },
    offlineQueueLimit: 10_000,
  },
  devices: { admission: 'registered' },
  operators: { sessionIdleMs: 3_600_000, sessionMaxAgeMs: 43_200_000, initialAdminPassword: null, secureCookies: 'auto' },
  runtime: { heapBudgetBytes: 128 * 1024 * 1024 },
  map: { tileUrl: null, tileAttribution: '', tileSource: null, boundariesMaxBytes: 8 * 1024 * 1024 },
  reports: { checkIntervalMs: 300_000 },
  prune: { everyMs: 3_600_000, batchRows: 500, resolvedAlertsMs: 395 * 86_400_000, deadLettersMs: 30 * 86_400_000, auditLogMs: 2555 * 86_400_000, commandsMs: 180 * 86_400_000 },
  backup: { dir: './backups', everyMs: null, keep: 7 },
  retention: { keepMs: { raw: 35 * 86_400_000, '1m': 396 * 86_400_000, '1h': 3653 * 86_400_000 }, confirmed: {}, intervalMs: 30_000, delayMs: 60_000 },
  cluster: { nodeId: expect.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/) as string, redis: null, mqttProxyPort: null, leaderLeaseMs: 10_000, leaderRenewEveryMs: 3_000 },
  timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
  standards: deriveStandardsProfile(Intl.DateTimeFormat().resolvedOptions().timeZone, Intl.DateTimeFormat().resolvedOptions().locale),
};

describe('loadHubConfig', () => {
  it('takes a heap budget as a size, or off for V8\'s own heap sizing, and refuses one under 32 MiB', () => {
    expect(loadHubConfig({ HUB_HEAP_BUDGET: 'off' }).runtime).toEqual({ heapBudgetBytes: null });
    expect(loadHubConfig({ HUB_HEAP_BUDGET: '512MiB' }).runtime).toEqual({ heapBudgetBytes: 512 * 1024 * 1024 });
    expect(reported({ HUB_HEAP_BUDGET: '16MiB' })).toEqual([
      ['HUB_HEAP_BUDGET', '16MiB', `a size in bytes or with KiB/MiB/GiB, from ${32 * 1024 * 1024} to ${64 * 1024 ** 3} bytes`],
    ]);
  });

  it('takes a bootstrap API key of 32 characters or more and refuses a short one without echoing it', () => {
    const key = 'k'.repeat(32);
    expect(loadHubConfig({ HUB_BOOTSTRAP_API_KEY: key }).access).toEqual({ bootstrapApiKey: key });
    expect(reported({ HUB_BOOTSTRAP_API_KEY: 'secret-but-short' })).toEqual([
      ['HUB_BOOTSTRAP_API_KEY', '(16 characters, hidden)', 'at least 32 characters, e.g. from `openssl rand -base64 32`'],
    ]);
  });

  it('takes a PostgreSQL URL (several hosts allowed) and refuses anything else without echoing it', () => {
    const url = 'postgres://hub:s3cret@pg1:5432,pg2:5432/hub?target_session_attrs=read-write';
    expect(loadHubConfig({ HUB_DATABASE_URL: url }).databaseUrl).toBe(url);
    expect(reported({ HUB_DATABASE_URL: 'mysql://hub:s3cret@db/hub' })).toEqual([
      [
        'HUB_DATABASE_URL',
        '(25 characters, hidden: it may hold a password)',
        'postgres://user:password@host:5432/database, several hosts separated by commas (with ?target_session_attrs=read-write to follow a failover)',
      ],
    ]);
  });

  it('refuses a scheduled backup of the embedded database when the state is in PostgreSQL', () => {
    expect(reported({ HUB_DATABASE_URL: 'postgres://hub@pg1/hub', HUB_BACKUP_EVERY: '1d' })).toEqual([
      ['HUB_BACKUP_EVERY', '1d', 'off while HUB_DATABASE_URL is set: back PostgreSQL up with pg_dump or pgBackRest (docs/operations.md)'],
    ]);
  });

  it('takes the device admission mode and refuses an unknown one', () => {
    expect(loadHubConfig({ HUB_DEVICE_ADMISSION: 'quarantine' }).devices).toEqual({ admission: 'quarantine' });
    expect(reported({ HUB_DEVICE_ADMISSION: 'open' })).toEqual([['HUB_DEVICE_ADMISSION', 'open', 'one of registered, quarantine']]);
  });

  it('reads session lifetimes and the initial admin password, refusing a short password without echoing it', () => {
    expect(loadHubConfig({ HUB_SESSION_IDLE_TIMEOUT: '30m', HUB_SESSION_MAX_AGE: '8h', HUB_ADMIN_PASSWORD: 'long enough secret', HUB_COOKIE_SECURE: 'always' }).operators).toEqual({
      sessionIdleMs: 1_800_000,
      sessionMaxAgeMs: 28_800_000,
      initialAdminPassword: 'long enough secret',
      secureCookies: 'always',
    });
    expect(reported({ HUB_ADMIN_PASSWORD: 'hunter2', HUB_SESSION_IDLE_TIMEOUT: '2d', HUB_SESSION_MAX_AGE: '1d' })).toEqual([
      ['HUB_SESSION_IDLE_TIMEOUT', '2d', 'must not exceed HUB_SESSION_MAX_AGE (1d)'],
      ['HUB_ADMIN_PASSWORD', '(7 characters, hidden)', 'at least 12 characters'],
    ]);
    expect(reported({ HUB_SESSION_MAX_AGE: '1m', HUB_COOKIE_SECURE: 'yes' }).map(([variable]) => variable)).toEqual(['HUB_SESSION_MAX_AGE', 'HUB_COOKIE_SECURE']);
  });

  it('gives the documented defaults for an empty environment', () => {
    expect(loadHubConfig({})).toStrictEqual(DEFAULTS);
  });

  it('treats blank values as unset', () => {
    expect(loadHubConfig({ HUB_MQTT_PORT: '   ', INFLUX_URL: '', HUB_LOG_LEVEL: '\t' })).toStrictEqual(DEFAULTS);
  });

  it('reads set values, trimming surrounding whitespace', () => {
    const config = loadHubConfig({
      HUB_MQTT_HOST: '127.0.0.1',
      HUB_MQTT_PORT: ' 11883 ',
      HUB_HTTP_PORT: '0',
      HUB_DATA_DIR: '/var/lib/hub',
      INFLUX_DATABASE: 'telemetry',
      INFLUX_RETENTION_POLICY: 'one_year',
      INFLUX_USERNAME: 'hub',
      INFLUX_PASSWORD: 's3cret',
      HUB_WRITE_CONCURRENCY: '16',
      HUB_LOG_LEVEL: 'debug',
    });
    expect(config.mqtt).toEqual({ host: '127.0.0.1', port: 11883, wsPort: 8083 });
    expect(config.http.port).toBe(0);
    expect(config.dataDir).toBe('/var/lib/hub');
    expect(config.influx).toEqual({
      api: 'v1',
      url: 'http://127.0.0.1:8086',
      database: 'telemetry',
      retentionPolicy: 'one_year',
      username: 'hub',
      password: 's3cret',
      timeoutMs: 10_000,
    });
    expect(config.writer.concurrency).toBe(16);
    expect(config.logLevel).toBe('debug');
  });

  it('reads the outage spool settings', () => {
    const config = loadHubConfig({ HUB_SPOOL_MAX_BYTES: '512MiB', HUB_SPOOL_REPLAY_RATE: '5000', HUB_SPOOL_AFTER: '500ms', HUB_SEQ_DEDUPE_WINDOW: '0s' });
    expect(config.spool).toEqual({ maxBytes: 512 * 1024 * 1024, replayRate: 5000, segmentBytes: 16 * 1024 * 1024, claimLeaseMs: 30_000 });
    expect(loadHubConfig({ HUB_SPOOL_CLAIM_LEASE: '5s' }).spool.claimLeaseMs).toBe(5_000);
    expect(config.writer.spoolAfterMs).toBe(500);
    expect(config.seqDedupeWindowMs).toBe(0);
    expect(reported({ HUB_SPOOL_MAX_BYTES: '10KiB' })).toEqual([
      ['HUB_SPOOL_MAX_BYTES', '10KiB', `a size in bytes or with KiB/MiB/GiB, from 1048576 to ${Number.MAX_SAFE_INTEGER} bytes`],
    ]);
  });

  describe('each kind of bad value names the variable, the value and what is allowed', () => {
    it.each([
      ['a whole number that is not a number', 'HUB_WRITE_BATCH_SIZE', 'lots', 'a whole number from 1 to 100000'],
      ['a whole number with a fraction', 'HUB_MAX_BATCH_READINGS', '1.5', 'a whole number from 1 to 100000'],
      ['a whole number below its minimum', 'HUB_WRITE_CONCURRENCY', '0', 'a whole number from 1 to 16'],
      ['a whole number above its maximum', 'HUB_DEAD_LETTER_MAX_ROWS', '100000001', 'a whole number from 10 to 100000000'],
      ['a port out of range', 'HUB_MQTT_PORT', '70000', 'a whole number from 0 to 65535'],
      ['a negative port', 'HUB_HTTP_PORT', '-1', 'a whole number from 0 to 65535'],
      ['a port-or-off that is neither', 'HUB_MQTT_WS_PORT', 'none', 'a whole number from 0 to 65535'],
      ['a choice outside the list', 'HUB_LOG_LEVEL', 'info', 'one of error, warn, log, debug'],
      ['a choice in the wrong case', 'INFLUX_API', 'V2', 'one of v1, v2'],
      ['a duration without a unit', 'HUB_WRITE_FLUSH_INTERVAL', '100', 'a duration like 500ms, 30s, 5m, 12h or 7d, from 1 ms to 60000 ms'],
      ['a duration in words', 'HUB_MAX_READING_AGE', '7 days', 'a duration like 500ms, 30s, 5m, 12h or 7d, from 60000 ms to 315360000000 ms'],
      ['a duration below its minimum', 'HUB_MAX_READING_AGE', '30s', 'a duration like 500ms, 30s, 5m, 12h or 7d, from 60000 ms to 315360000000 ms'],
      ['a duration above its maximum', 'HUB_MAX_FUTURE_SKEW', '2d', 'a duration like 500ms, 30s, 5m, 12h or 7d, from 0 ms to 86400000 ms'],
      ['a size with a decimal unit', 'HUB_MAX_PAYLOAD_BYTES', '256KB', 'a size in bytes or with KiB/MiB/GiB, from 64 to 67108864 bytes'],
      ['a size with a fraction', 'HUB_MAX_PAYLOAD_BYTES', '1.5MiB', 'a size in bytes or with KiB/MiB/GiB, from 64 to 67108864 bytes'],
      ['a size below its minimum', 'HUB_DEAD_LETTER_PAYLOAD_BYTES', '32', 'a size in bytes or with KiB/MiB/GiB, from 64 to 1048576 bytes'],
      ['a size above its maximum', 'HUB_DEAD_LETTER_PAYLOAD_BYTES', '2MiB', 'a size in bytes or with KiB/MiB/GiB, from 64 to 1048576 bytes'],
      ['a URL with another scheme', 'INFLUX_URL', 'ftp://influx:8086', 'an http:// or https:// URL'],
      ['a URL that is not a URL', 'INFLUX_URL', 'influx:8086/', 'an http:// or https:// URL'],
      ['a URL without a scheme', 'INFLUX_URL', '127.0.0.1:8086', 'an http:// or https:// URL'],
    ])('%s (%s=%s)', (_label, variable, value, allowed) => {
      const error = invalid({ [variable]: value });
      expect(error.errors).toHaveLength(1);
      expect(error.errors[0]).toBeInstanceOf(ConfigError);
      expect(reported({ [variable]: value })).toEqual([[variable, value, allowed]]);
      expect(error.message).toBe(`Invalid environment variables:\n  - Invalid environment variable ${variable}=${JSON.stringify(value)}: ${allowed}`);
      expect(error.name).toBe('InvalidConfigError');
    });
  });

  it('turns plain MQTT off only with another way in: MQTT over TLS, or the PROXY port behind a load balancer', () => {
    const message = 'needs a certificate (HUB_TLS_CERT_FILE and HUB_TLS_KEY_FILE) or HUB_MQTT_PROXY_PORT: without either there is no other MQTT port to use instead';
    expect(reported({ HUB_MQTT_PORT: 'off' })).toEqual([['HUB_MQTT_PORT', 'off', message]]);
    expect(reported({ HUB_MQTT_PORT: 'off', HUB_MQTT_PROXY_PORT: 'off' })).toEqual([['HUB_MQTT_PORT', 'off', message]]);
    const behindBalancer = loadHubConfig({ HUB_MQTT_PORT: 'off', HUB_MQTT_PROXY_PORT: '1884' });
    expect([behindBalancer.mqtt.port, behindBalancer.cluster.mqttProxyPort]).toEqual([null, 1884]);
  });

  it('reports every bad variable at once, in the order they are read', () => {
    const error = invalid({ HUB_HTTP_PORT: 'http', INFLUX_URL: 'nowhere', HUB_MAX_BATCH_READINGS: '0', HUB_LOG_LEVEL: 'loud' });
    expect(error.errors.map((each) => each.variable)).toEqual(['INFLUX_URL', 'HUB_HTTP_PORT', 'HUB_MAX_BATCH_READINGS', 'HUB_LOG_LEVEL']);
    expect(error.message).toBe(
      [
        'Invalid environment variables:',
        '  - Invalid environment variable INFLUX_URL="nowhere": an http:// or https:// URL',
        '  - Invalid environment variable HUB_HTTP_PORT="http": a whole number from 0 to 65535',
        '  - Invalid environment variable HUB_MAX_BATCH_READINGS="0": a whole number from 1 to 100000',
        '  - Invalid environment variable HUB_LOG_LEVEL="loud": one of error, warn, log, debug',
      ].join('\n'),
    );
  });

  describe('InfluxDB v2', () => {
    it('requires INFLUX_TOKEN, INFLUX_ORG and INFLUX_BUCKET', () => {
      expect(reported({ INFLUX_API: 'v2' })).toEqual([
        ['INFLUX_TOKEN', '', 'required when INFLUX_API=v2'],
        ['INFLUX_ORG', '', 'required when INFLUX_API=v2'],
        ['INFLUX_BUCKET', '', 'required when INFLUX_API=v2'],
      ]);
      expect(reported({ INFLUX_API: 'v2', INFLUX_TOKEN: 't0ken', INFLUX_BUCKET: 'sensors' })).toEqual([['INFLUX_ORG', '', 'required when INFLUX_API=v2']]);
    });

    it('builds the v2 settings when all three are set', () => {
      const config = loadHubConfig({ INFLUX_API: 'v2', INFLUX_URL: 'https://influx.county.example/', INFLUX_TOKEN: 't0ken', INFLUX_ORG: 'county', INFLUX_BUCKET: 'sensors', INFLUX_TIMEOUT: '30s' });
      expect(config.influx).toStrictEqual({ api: 'v2', url: 'https://influx.county.example', token: 't0ken', org: 'county', bucket: 'sensors', timeoutMs: 30_000 });
    });

    it('does not ask for v2 settings under v1', () => {
      expect(loadHubConfig({ INFLUX_API: 'v1', INFLUX_TOKEN: 'ignored' }).influx.api).toBe('v1');
    });
  });

  it('reads durations and sizes into milliseconds and bytes', () => {
    const config = loadHubConfig({
      HUB_WRITE_FLUSH_INTERVAL: '500ms',
      INFLUX_TIMEOUT: '1.5s',
      HUB_WRITE_RETRY_MIN: '30s',
      HUB_WRITE_RETRY_MAX: '5m',
      HUB_MAX_READING_AGE: '12h',
      HUB_MAX_FUTURE_SKEW: '0ms',
      HUB_MAX_PAYLOAD_BYTES: '2MiB',
      HUB_DEAD_LETTER_PAYLOAD_BYTES: '64KiB',
    });
    expect(config.writer.flushIntervalMs).toBe(500);
    expect(config.influx.timeoutMs).toBe(1500);
    expect([config.writer.retryMinMs, config.writer.retryMaxMs]).toEqual([30_000, 300_000]);
    expect(config.validation.maxAgeMs).toBe(43_200_000);
    expect(config.validation.maxFutureMs).toBe(0);
    expect(config.validation.maxPayloadBytes).toBe(2_097_152);
    expect(config.deadLetters.maxPayloadBytes).toBe(65_536);
  });

  it.each(['off', 'OFF', ' Off '])('turns the WebSocket listener off with HUB_MQTT_WS_PORT=%p', (value) => {
    expect(loadHubConfig({ HUB_MQTT_WS_PORT: value }).mqtt.wsPort).toBeNull();
  });

  it('takes a numeric HUB_MQTT_WS_PORT as the port', () => {
    expect(loadHubConfig({ HUB_MQTT_WS_PORT: '9001' }).mqtt.wsPort).toBe(9001);
  });

  it.each([
    ['http://influx:8086/', 'http://influx:8086'],
    ['https://metrics.county.example/influx///', 'https://metrics.county.example/influx'],
    ['http://influx:8086', 'http://influx:8086'],
  ])('trims trailing slashes from INFLUX_URL %p', (value, expected) => {
    expect(loadHubConfig({ INFLUX_URL: value }).influx.url).toBe(expected);
  });

  it('refuses credentials in INFLUX_URL without echoing them (the URL is logged and shown by /api/health)', () => {
    expect(reported({ INFLUX_URL: 'http://hub:s3cret-pw@influx:8086' })).toEqual([
      ['INFLUX_URL', 'http://…@influx:8086', 'a URL without user:password@ (it is logged and shown in health errors); give credentials in their own variables'],
    ]);
    expect(reported({ INFLUX_URL: 'http://hub:s3cret-pw@influx:80 86' })).toEqual([['INFLUX_URL', 'http://…@influx:80 86', 'an http:// or https:// URL']]);
    expect(JSON.stringify(invalid({ INFLUX_URL: 'https://:t0ken-xyz@influx' }).message)).not.toContain('t0ken-xyz');
  });

  it('takes the county’s time zone as an IANA name in its canonical spelling, the server’s by default, and names a bad one', () => {
    expect(loadHubConfig({ HUB_TIME_ZONE: 'asia/shanghai' }).timeZone).toBe('Asia/Shanghai');
    expect(loadHubConfig({}).timeZone).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);
    expect(reported({ HUB_TIME_ZONE: 'China Standard Time' })).toEqual([['HUB_TIME_ZONE', 'China Standard Time', 'an IANA time zone name such as Asia/Shanghai or Europe/Berlin']]);
  });

  it('takes the standards profile from HUB_STANDARDS_PROFILE, else cn for a mainland China zone, else eu', () => {
    expect(loadHubConfig({ HUB_STANDARDS_PROFILE: 'cn', HUB_TIME_ZONE: 'Europe/Berlin' }).standards).toEqual({ profile: 'cn', source: 'HUB_STANDARDS_PROFILE' });
    expect(loadHubConfig({ HUB_STANDARDS_PROFILE: 'eu', HUB_TIME_ZONE: 'Asia/Shanghai' }).standards).toEqual({ profile: 'eu', source: 'HUB_STANDARDS_PROFILE' });
    expect(loadHubConfig({ HUB_TIME_ZONE: 'asia/shanghai' }).standards.profile).toBe('cn');
    expect(reported({ HUB_STANDARDS_PROFILE: 'gb' })).toEqual([['HUB_STANDARDS_PROFILE', 'gb', 'one of cn, eu']]);
    expect(deriveStandardsProfile('Asia/Urumqi', 'en-US')).toEqual({ profile: 'cn', source: 'time zone' });
    expect(deriveStandardsProfile('UTC', 'zh-CN')).toEqual({ profile: 'cn', source: 'locale' });
    expect(deriveStandardsProfile('UTC', 'zh-Hans-CN')).toEqual({ profile: 'cn', source: 'locale' });
    // Hong Kong and Taiwan do not use GB standards for their supply.
    expect(deriveStandardsProfile('Asia/Hong_Kong', 'zh-HK')).toEqual({ profile: 'eu', source: 'default' });
    expect(deriveStandardsProfile('Europe/Berlin', 'de-DE')).toEqual({ profile: 'eu', source: 'default' });
  });

  it('takes HUB_PUBLIC_URL for the links in notifications, defaulting to localhost on the HTTP port, and names a bad one', () => {
    expect(loadHubConfig({ HUB_HTTP_PORT: '8080' }).http.publicUrl).toBe('http://localhost:8080');
    expect(loadHubConfig({ HUB_PUBLIC_URL: 'https://hub.county.example/' }).http.publicUrl).toBe('https://hub.county.example');
    expect(reported({ HUB_PUBLIC_URL: 'hub.county.example' })).toEqual([['HUB_PUBLIC_URL', 'hub.county.example', 'an http:// or https:// URL']]);
    expect(reported({ HUB_PUBLIC_URL: 'ftp://hub.county.example' })).toEqual([['HUB_PUBLIC_URL', 'ftp://hub.county.example', 'an http:// or https:// URL']]);
  });

  describe('write retry bounds', () => {
    it('refuses HUB_WRITE_RETRY_MIN above HUB_WRITE_RETRY_MAX, naming both as written', () => {
      expect(reported({ HUB_WRITE_RETRY_MIN: '20s', HUB_WRITE_RETRY_MAX: '15s' })).toEqual([
        ['HUB_WRITE_RETRY_MIN', '20s', 'must not exceed HUB_WRITE_RETRY_MAX (15s)'],
      ]);
    });

    it('compares against the default maximum when only the minimum is set', () => {
      expect(invalid({ HUB_WRITE_RETRY_MIN: '11s' }).message).toBe(
        'Invalid environment variables:\n  - Invalid environment variable HUB_WRITE_RETRY_MIN="11s": must not exceed HUB_WRITE_RETRY_MAX (10s)',
      );
    });

    it('accepts equal bounds', () => {
      expect(loadHubConfig({ HUB_WRITE_RETRY_MIN: '1s', HUB_WRITE_RETRY_MAX: '1000ms' }).writer).toMatchObject({ retryMinMs: 1000, retryMaxMs: 1000 });
    });
  });
});

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['30s', 30_000],
    ['5m', 300_000],
    ['12h', 43_200_000],
    ['7d', 604_800_000],
    ['1.5s', 1500],
    ['0.5m', 30_000],
    [' 30s ', 30_000],
    ['0ms', 0],
  ])('%p is %p ms', (value, ms) => {
    expect(parseDuration(value)).toBe(ms);
  });

  it.each(['30', '30 s', '-5s', '5w', '5S', '1.5.2s', '.5s', 's', ''])('%p is not a duration', (value) => {
    expect(parseDuration(value)).toBeUndefined();
  });
});

describe('parseBytes', () => {
  it.each([
    ['65536', 65_536],
    ['512b', 512],
    ['64KiB', 65_536],
    ['64kib', 65_536],
    ['64 KiB', 65_536],
    ['2MiB', 2_097_152],
    ['1GiB', 1_073_741_824],
  ])('%p is %p bytes', (value, bytes) => {
    expect(parseBytes(value)).toBe(bytes);
  });

  it.each(['64KB', '1.5MiB', '-1', '2 TiB', 'KiB', ''])('%p is not a size', (value) => {
    expect(parseBytes(value)).toBeUndefined();
  });
});
