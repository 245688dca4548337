import { ConfigReader } from './env-parsers';
import { parseConfirmations, readRetentionConfig } from './retention-config';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function read(env: Record<string, string>): { config: ReturnType<typeof readRetentionConfig>; errors: string[] } {
  const reader = new ConfigReader(env);
  const config = readRetentionConfig(reader);
  return { config, errors: reader.errors.map((error) => error.message) };
}

describe('readRetentionConfig', () => {
  it('takes periods in whole hours and the confirmations of shorter ones', () => {
    const { config, errors } = read({ HUB_RETENTION_RAW: '2h', HUB_RETENTION_MINUTE: '90d', HUB_RETENTION_HOURLY: '5000d', HUB_RETENTION_CONFIRM: 'raw=2h, 1m=90d', HUB_DOWNSAMPLE_INTERVAL: '1s', HUB_DOWNSAMPLE_DELAY: '0s' });
    expect(errors).toEqual([]);
    expect(config).toEqual({ keepMs: { raw: 2 * HOUR, '1m': 90 * DAY, '1h': 5000 * DAY }, confirmed: { raw: 2 * HOUR, '1m': 90 * DAY }, intervalMs: 1000, delayMs: 0 });
  });

  it('refuses a period under InfluxDB\'s 1h minimum, one that is not whole hours, and a coarser resolution kept shorter than a finer one', () => {
    expect(read({ HUB_RETENTION_RAW: '30m' }).errors).toEqual([
      `Invalid environment variable HUB_RETENTION_RAW="30m": whole hours such as 1h, 36h, 30d, from 1h (InfluxDB's shortest retention policy) to 100 years`,
    ]);
    expect(read({ HUB_RETENTION_RAW: '90m' }).errors).toEqual([
      `Invalid environment variable HUB_RETENTION_RAW="90m": whole hours such as 1h, 36h, 30d, from 1h (InfluxDB's shortest retention policy) to 100 years`,
    ]);
    expect(read({ HUB_RETENTION_RAW: '400d' }).errors).toEqual(['Invalid environment variable HUB_RETENTION_MINUTE="396d": must be at least HUB_RETENTION_RAW (400d)']);
    expect(read({ HUB_RETENTION_HOURLY: '30d' }).errors).toEqual(['Invalid environment variable HUB_RETENTION_HOURLY="30d": must be at least HUB_RETENTION_MINUTE (396d)']);
  });

  it('refuses a confirmation that is not resolution=period pairs, naming what is allowed', () => {
    expect(read({ HUB_RETENTION_CONFIRM: 'yes' }).errors).toEqual([
      'Invalid environment variable HUB_RETENTION_CONFIRM="yes": comma-separated resolution=period pairs naming the new, shorter periods, e.g. raw=7d or raw=7d,1m=90d (resolutions raw, 1m, 1h)',
    ]);
    expect(parseConfirmations('minute=7d')).toBeUndefined();
    expect(parseConfirmations('raw=7 days')).toBeUndefined();
    expect(parseConfirmations('1h=3650d')).toEqual({ '1h': 3650 * DAY });
  });
});
