/**
 * The API's shapes, imported as types from the code that produces them (one source of truth; nothing of the server
 * ends up in the bundle). Types the API declares inline are restated here next to the endpoint they describe.
 */
export type { Catalogue, CatalogueDomain, CatalogueMetric } from '../../../libs/contract/src/catalogue.view';
import type { DeviceView } from '../../../libs/devices/src/device-view';
export type { DeviceView };
/**
 * A device of the fleet (GET /api/devices merges the registry with presence): active in the registry, or heard from
 * before the registry existed. Devices waiting in quarantine or rejected are not part of the fleet.
 */
export type DeviceState = DeviceView & { readonly domain: string };
export type { DeadLetter } from '../../../libs/store/src/dead-letter.repository';
export type { IngestStatsSnapshot } from '../../../libs/pipeline/src/ingest-stats';
export type { DeviceReadings, ReadingSeries } from '../../../apps/hub/src/api/readings.service';
export type { HubHealth, ComponentHealth } from '../../../apps/hub/src/api/health.service';
export type { DeviceChange } from '../../../apps/hub/src/live/device-change.tracker';
import type { DeadLetter } from '../../../libs/store/src/dead-letter.repository';
import type { RejectReason } from '../../../libs/contract/src/reject-reason';
export type { RejectReason };

/** GET /api/dead-letters (declared inline by DeadLettersController). */
export interface DeadLetterPage {
  readonly items: DeadLetter[];
  readonly matching: number;
  readonly nextBefore: number | null;
  readonly totals: { readonly byReason: Partial<Record<RejectReason, number>>; readonly evicted: number; readonly stored: number };
}

export type { AlertEventView, AlertView } from '../../../libs/alerts/src/lifecycle/alert.view';
export type { AlertRuleDocument, ConditionDocument } from '../../../libs/alerts/src/rules/alert-rule.document';
export type { Severity, ConditionType } from '../../../libs/alerts/src/rules/alert-rule';
export type { AlertState } from '../../../libs/alerts/src/lifecycle/alert';
import type { AlertView } from '../../../libs/alerts/src/lifecycle/alert.view';
import type { AlertSilence } from '../../../libs/alerts/src/silences/alert-silence';
import type { AlertEventView } from '../../../libs/alerts/src/lifecycle/alert.view';

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

export type { MeView } from '../../../libs/access/src/me.view';
export type { OperatorView } from '../../../libs/access/src/operators/operators.service';
export type { ApiKeyView } from '../../../libs/access/src/api-keys/api-keys.service';
export type { Role } from '../../../libs/access/src/access-scope';
import type { ApiKeyView } from '../../../libs/access/src/api-keys/api-keys.service';
import type { AuditEntry } from '../../../libs/store/src/audit-log.repository';

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
