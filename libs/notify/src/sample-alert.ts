import type { AlertChange } from './alert-message';

/**
 * What "send test message" sends: a plausible gas critical, marked as a test by the sender, with its summary in each
 * language a contact point may read (its name is translated as the default rules' are).
 */
export function sampleAlertChange(nowMs: number): AlertChange {
  const at = new Date(nowMs).toISOString();
  const started = new Date(nowMs - 5 * 60_000).toISOString();
  return {
    event: 'fired',
    at,
    summaries: { zh: 'methane_ppm 高于 1000 ppm，持续 1 分钟' },
    actor: 'system',
    note: null,
    alert: {
      id: 0,
      ruleId: 'test-message',
      ruleName: 'Test message',
      conditionType: 'threshold',
      severity: 'critical',
      state: 'firing',
      flapping: false,
      domain: 'gas',
      metric: 'methane_ppm',
      unit: 'ppm',
      deviceId: 'test-device',
      town: 'Ashford',
      village: null,
      summary: 'methane_ppm above 1000 ppm for 1m',
      startedAt: started,
      firedAt: at,
      updatedAt: at,
      conditionActive: true,
      conditionEndedAt: null,
      value: 1250,
      valueAt: at,
      peak: 1250,
      count: 3,
      acknowledgedBy: null,
      acknowledgedAt: null,
      acknowledgeNote: null,
      resolvedAt: null,
      resolvedBy: null,
      resolution: null,
    },
  };
}
