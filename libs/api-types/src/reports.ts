import type { Severity } from './alerts';

/** Scheduled reports (issue 19): definitions admins keep, and the reports made from them. */
export const REPORT_PERIODS = ['daily', 'weekly', 'monthly'] as const;
export type ReportPeriodKind = (typeof REPORT_PERIODS)[number];

export const REPORT_LANGUAGES = ['en', 'zh'] as const;
export type ReportLanguage = (typeof REPORT_LANGUAGES)[number];

/** GET /api/reports: a report definition. */
export interface ReportDefinitionView {
  readonly id: number;
  readonly name: string;
  /** '' for the county, a town, or Town/Village. */
  readonly area: string;
  /** Null: every domain. */
  readonly domain: string | null;
  readonly period: ReportPeriodKind;
  readonly language: ReportLanguage;
  /** Email contact points a scheduled report is sent to. */
  readonly contactPoints: readonly string[];
  readonly enabled: boolean;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly updatedAt: string;
  readonly updatedBy: string;
}

export interface DeviceGap {
  readonly deviceId: string;
  readonly longestSilenceMs: number;
  readonly expectedIntervalS: number;
}

export interface DomainAvailability {
  readonly domain: string;
  /** Active devices (not gateways) registered in the area with this domain. */
  readonly devices: number;
  /** Of those, how many sent at least one reading in the period. */
  readonly reporting: number;
  /** Of those reporting with an expected interval, how many were silent longer than it at least once (edges of the period included). */
  readonly withGaps: number;
  /** The devices with gaps, longest silence first. */
  readonly gaps: readonly DeviceGap[];
}

export interface AlertFigures {
  /** Alerts fired in the period. */
  readonly total: number;
  readonly bySeverity: Readonly<Record<Severity, number>>;
  /** Of those, acknowledged by the time the report was made; fired → acknowledged. */
  readonly acknowledged: number;
  readonly meanTimeToAcknowledgeMs: number | null;
  readonly medianTimeToAcknowledgeMs: number | null;
  /** Of those, resolved by the time the report was made; fired → resolved. */
  readonly resolved: number;
  readonly meanTimeToResolveMs: number | null;
  readonly medianTimeToResolveMs: number | null;
}

export interface MetricFigures {
  readonly domain: string;
  readonly metric: string;
  readonly unit: string;
  /** Devices with at least one reading of the metric in the period. */
  readonly devices: number;
  readonly readings: number;
  /** Over every reading. */
  readonly mean: number;
  readonly min: number;
  readonly max: number;
  /** A rate's (m³/h, kW) total over the period: each reporting device's mean rate × the period's hours, summed (m³, kWh); null otherwise. */
  readonly total: number | null;
  readonly totalUnit: string | null;
}

export interface ReportFigures {
  readonly availability: readonly DomainAvailability[];
  readonly alerts: AlertFigures;
  readonly metrics: readonly MetricFigures[];
}

export interface ReportDeliveryView {
  readonly contactPoint: string;
  readonly status: 'pending' | 'sent' | 'failed';
  readonly attempts: number;
  /** The mail server's last answer. */
  readonly answer: string | null;
}

/** GET /api/reports/runs: a report made, with its figures and where to download it. */
export interface ReportRunView {
  readonly id: number;
  readonly definitionId: number;
  readonly name: string;
  readonly area: string;
  readonly domain: string | null;
  readonly language: ReportLanguage;
  readonly period: ReportPeriodKind;
  /** 2026-11 (monthly), 2026-W48 (weekly), 2026-11-30 (daily), in the county's calendar. */
  readonly label: string;
  readonly from: string;
  readonly to: string;
  /** schedule: made by the hub for a period just closed; manual: "run now". */
  readonly trigger: 'schedule' | 'manual';
  readonly createdAt: string;
  readonly createdBy: string;
  readonly figures: ReportFigures;
  readonly deliveries: readonly ReportDeliveryView[];
  /** Paths of the printable page and the CSV. */
  readonly downloads: { readonly html: string; readonly csv: string };
}

export interface ReportRunPage {
  readonly items: readonly ReportRunView[];
  /** Pass as `before` for older runs; null when there are none. */
  readonly nextBefore: number | null;
}
