import { ConfigError, ConfigReader } from './env-parsers';

export interface AlertConfig {
  /** Load the default rule pack on the first start (never again afterwards). */
  readonly loadDefaultRules: boolean;
  /** How far back, beyond what a condition needs, each evaluation re-reads for readings that arrive late. */
  readonly lateDataMs: number;
  /** After downtime, the first evaluation reaches back to the last one, but at most this far. */
  readonly maxCatchUpMs: number;
  readonly webhooks: readonly string[];
  readonly webhookTimeoutMs: number;
  /** Bounds each contact point send (an HTTP request, each SMTP stage). */
  readonly contactPointTimeoutMs: number;
  /** The language of contact points' messages: en or zh (libs/notify/src/templates). */
  readonly notifyLanguage: 'en' | 'zh';
  readonly notifyRetryMinMs: number;
  readonly notifyRetryMaxMs: number;
  /** A message to a contact point still refused (retryably) this long after it was queued is given up. */
  readonly notifyGiveUpAfterMs: number;
  /** Notifications allowed to wait per channel; beyond, the oldest are skipped and counted. */
  readonly notifyBacklog: number;
  /** How often notification policies look for due groups, repeats and escalation levels. */
  readonly policyTickMs: number;
}

const HOUR = 3_600_000;
const RETRY_MIN_DEFAULT = '1s';
const RETRY_MAX_DEFAULT = '1m';

/** The HUB_ALERT_* variables; problems go to `read.errors` like every other variable's. */
export function readAlertConfig(read: ConfigReader): AlertConfig {
  const config: AlertConfig = {
    loadDefaultRules: read.oneOf('HUB_ALERT_DEFAULT_RULES', ['on', 'off'] as const, 'on', 'off: do not load the default rule pack on the first start (it is never loaded again afterwards)') === 'on',
    lateDataMs: read.duration('HUB_ALERT_LATE_DATA', '10m', 0, 24 * HOUR, 'how far back, beyond what a condition needs, each evaluation re-reads for readings that arrive late'),
    maxCatchUpMs: read.duration('HUB_ALERT_CATCH_UP', '6h', 0, 7 * 24 * HOUR, 'after downtime, the first evaluation reaches back to the last one, at most this far'),
    webhooks: readWebhooks(read),
    webhookTimeoutMs: read.duration('HUB_ALERT_WEBHOOK_TIMEOUT', '5s', 100, 60_000, 'per webhook POST'),
    contactPointTimeoutMs: read.duration('HUB_CONTACT_POINT_TIMEOUT', '10s', 100, 120_000, 'per contact point send: the robot or webhook request, each SMTP stage (connect, greeting, each reply)'),
    notifyLanguage: read.oneOf('HUB_NOTIFY_LANGUAGE', ['en', 'zh'] as const, 'en', 'the language of messages to contact points that have none of their own: en (English) or zh (简体中文)'),
    notifyRetryMinMs: read.duration('HUB_ALERT_NOTIFY_RETRY_MIN', RETRY_MIN_DEFAULT, 10, 600_000, 'shortest back-off between delivery attempts (MQTT and webhooks); at most HUB_ALERT_NOTIFY_RETRY_MAX'),
    notifyRetryMaxMs: read.duration('HUB_ALERT_NOTIFY_RETRY_MAX', RETRY_MAX_DEFAULT, 10, 24 * HOUR, 'longest back-off between delivery attempts'),
    notifyGiveUpAfterMs: read.duration(
      'HUB_NOTIFY_GIVE_UP_AFTER',
      '24h',
      1000,
      30 * 24 * HOUR,
      'a message to a contact point still refused (retryably) this long after it was queued is given up and logged as given-up, so a dead contact point does not hold its later messages for ever',
    ),
    notifyBacklog: read.int('HUB_ALERT_NOTIFY_BACKLOG', 1000, 1, 1_000_000, 'notifications waiting per channel at most; beyond, the oldest are skipped and counted'),
    policyTickMs: read.duration(
      'HUB_ALERT_POLICY_TICK',
      '1s',
      50,
      60_000,
      'how often notification policies send what is due (group waits, repeats, escalation levels, retries to contact points): the granularity of their timings',
    ),
  };
  if (config.notifyRetryMinMs > config.notifyRetryMaxMs) {
    const min = read.string('HUB_ALERT_NOTIFY_RETRY_MIN', RETRY_MIN_DEFAULT);
    read.errors.push(new ConfigError('HUB_ALERT_NOTIFY_RETRY_MIN', min, `must not exceed HUB_ALERT_NOTIFY_RETRY_MAX (${read.string('HUB_ALERT_NOTIFY_RETRY_MAX', RETRY_MAX_DEFAULT)})`));
  }
  return config;
}

const WEBHOOKS_ALLOWED = 'a comma-separated list of http:// or https:// URLs';

/** Comma-separated http(s) URLs; each bad one is named (its query string, which may hold a token, is not echoed). */
function readWebhooks(read: ConfigReader): string[] {
  const value = read.optionalString('HUB_ALERT_WEBHOOKS', { description: 'URLs that receive every notification as a JSON POST', allowed: WEBHOOKS_ALLOWED });
  if (value === undefined) return [];
  const urls = value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
  const good: string[] = [];
  for (const url of urls) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {
      parsed = undefined;
    }
    if (parsed === undefined || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
      read.errors.push(new ConfigError('HUB_ALERT_WEBHOOKS', url.split('?')[0], WEBHOOKS_ALLOWED));
    } else if (good.includes(url)) {
      read.errors.push(new ConfigError('HUB_ALERT_WEBHOOKS', url.split('?')[0], 'each URL at most once'));
    } else {
      good.push(url);
    }
  }
  return good;
}
