import { InvalidConfigError, loadHubConfig } from './hub-config';

function problems(env: Record<string, string>): string[] {
  try {
    loadHubConfig(env);
  } catch (error) {
    if (error instanceof InvalidConfigError) return error.errors.map((problem) => problem.message);
    throw error;
  }
  throw new Error('expected the environment to be refused');
}

describe('alert configuration (HUB_ALERT_*)', () => {
  it('reads every variable', () => {
    expect(
      loadHubConfig({
        HUB_ALERT_DEFAULT_RULES: 'off',
        HUB_ALERT_LATE_DATA: '30m',
        HUB_ALERT_CATCH_UP: '1h',
        HUB_ALERT_WEBHOOKS: ' https://ops.example/hook?token=abc , http://10.0.0.5:8080/alerts ',
        HUB_ALERT_WEBHOOK_TIMEOUT: '2s',
        HUB_CONTACT_POINT_TIMEOUT: '3s',
        HUB_ALERT_NOTIFY_RETRY_MIN: '200ms',
        HUB_ALERT_NOTIFY_RETRY_MAX: '5m',
        HUB_ALERT_NOTIFY_BACKLOG: '50',
        HUB_ALERT_POLICY_TICK: '200ms',
        HUB_NOTIFY_LANGUAGE: 'zh',
        HUB_NOTIFY_GIVE_UP_AFTER: '2h',
      }).alerts,
    ).toEqual({
      loadDefaultRules: false,
      lateDataMs: 1_800_000,
      maxCatchUpMs: 3_600_000,
      webhooks: ['https://ops.example/hook?token=abc', 'http://10.0.0.5:8080/alerts'],
      webhookTimeoutMs: 2000,
      contactPointTimeoutMs: 3000,
      notifyLanguage: 'zh',
      notifyRetryMinMs: 200,
      notifyRetryMaxMs: 300_000,
      notifyGiveUpAfterMs: 7_200_000,
      notifyBacklog: 50,
      policyTickMs: 200,
    });
  });

  it('names each bad webhook without echoing its query string, and other bad values', () => {
    expect(
      problems({
        HUB_ALERT_WEBHOOKS: 'https://ok.example/a,ftp://files.example/x?token=secret,not a url,https://ok.example/a',
        HUB_ALERT_DEFAULT_RULES: 'yes',
        HUB_ALERT_NOTIFY_RETRY_MIN: '2m',
        HUB_ALERT_POLICY_TICK: '10ms',
        HUB_NOTIFY_GIVE_UP_AFTER: 'a day',
      }),
    ).toEqual([
      'Invalid environment variable HUB_ALERT_DEFAULT_RULES="yes": one of on, off',
      'Invalid environment variable HUB_ALERT_WEBHOOKS="ftp://files.example/x": a comma-separated list of http:// or https:// URLs',
      'Invalid environment variable HUB_ALERT_WEBHOOKS="not a url": a comma-separated list of http:// or https:// URLs',
      'Invalid environment variable HUB_ALERT_WEBHOOKS="https://ok.example/a": each URL at most once',
      'Invalid environment variable HUB_NOTIFY_GIVE_UP_AFTER="a day": a duration like 500ms, 30s, 5m, 12h or 7d, from 1000 ms to 2592000000 ms',
      'Invalid environment variable HUB_ALERT_POLICY_TICK="10ms": a duration like 500ms, 30s, 5m, 12h or 7d, from 50 ms to 60000 ms',
      'Invalid environment variable HUB_ALERT_NOTIFY_RETRY_MIN="2m": must not exceed HUB_ALERT_NOTIFY_RETRY_MAX (1m)',
    ]);
  });
});
