import type { ConfigReader } from './env-parsers';

export interface ReportConfig {
  /** How often the hub looks for report periods that have closed (and emails still to send). */
  readonly checkIntervalMs: number;
}

const HOUR = 3_600_000;

/** Scheduled reports (issue 19 point 3): definitions live in SQLite; only the scheduler's pace is configuration. */
export function readReportConfig(read: ConfigReader): ReportConfig {
  return {
    checkIntervalMs: read.duration(
      'HUB_REPORTS_CHECK_INTERVAL',
      '5m',
      1000,
      HOUR,
      'how often the hub makes the reports of periods that have closed (each report once per period; missed periods after downtime are made at the first check) and retries report emails the mail server deferred',
    ),
  };
}
