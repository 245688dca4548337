/**
 * The API's shapes, imported as types from the code that produces them (one source of truth; nothing of the server
 * ends up in the bundle). Types the API declares inline are restated here next to the endpoint they describe.
 */
export type { Catalogue, CatalogueDomain, CatalogueMetric } from '@hub/contract';
import type { DeviceView } from '@hub/devices';
export type { DeviceView };
/**
 * A device of the fleet (GET /api/devices merges the registry with presence): active in the registry, or heard from
 * before the registry existed. Devices waiting in quarantine or rejected are not part of the fleet.
 */
export type DeviceState = DeviceView & { readonly domain: string };
export type { DeadLetter } from '@hub/pipeline';
export type { IngestStatsSnapshot } from '@hub/pipeline';
export type { DeviceReadings, ReadingSeries } from '../../../hub/src/devices/readings.service';
export type { HubHealth, ComponentHealth } from '../../../hub/src/health/health.service';
export type { DeviceChange } from '../../../hub/src/live/device-change.tracker';
import type { DeadLetter } from '@hub/pipeline';
import type { RejectReason } from '@hub/contract';
export type { RejectReason };

/** GET /api/dead-letters (declared inline by DeadLettersController). */
export interface DeadLetterPage {
  readonly items: DeadLetter[];
  readonly matching: number;
  readonly nextBefore: number | null;
  readonly totals: { readonly byReason: Partial<Record<RejectReason, number>>; readonly evicted: number; readonly stored: number };
}

export type { AlertEventView, AlertView } from '@hub/alerts';
export type { AlertRuleDocument, ConditionDocument } from '@hub/alerts';
export type { Severity, ConditionType } from '@hub/alerts';
export type { AlertState } from '@hub/alerts';
import type { AlertView, AlertSilence, AlertEventView } from '@hub/alerts';

/** GET /api/alerts (declared inline by AlertsController). */
export interface AlertPage {
  readonly items: AlertView[];
  readonly matching: number;
  readonly nextBefore: number | null;
}

/** A silence as the API shows it (AlertSilencesController's SilenceView). */
export type SilenceView = Omit<AlertSilence, 'startsAt' | 'endsAt' | 'createdAt'> & { startsAt: string; endsAt: string; createdAt: string; active: boolean };

/** An `alert` event of /api/events: the history entry and the alert as it is now. */
export interface AlertFeedEvent {
  readonly event: AlertEventView;
  readonly alert: AlertView;
}

export type { MeView } from '@hub/access';
export type { OperatorView } from '@hub/access';
export type { ApiKeyView } from '@hub/access';
export type { Role } from '@hub/access';
import type { ApiKeyView } from '@hub/access';
import type { AuditEntry } from '@hub/store';

/** POST /api/api-keys: the key, shown this once. */
export interface CreatedApiKey {
  readonly key: string;
  readonly apiKey: ApiKeyView;
}

/** GET /api/audit (declared inline by AuditController). */
export interface AuditPage {
  readonly items: Array<Omit<AuditEntry, 'at'> & { readonly at: string }>;
  readonly nextBefore: number | null;
}
