import { ApiError, getJson, query, sendJson } from './http';
import { isFleetDevice } from '../fleet/device-status';
import type {
  AlertEventView,
  AlertPage,
  AlertRuleDocument,
  AlertView,
  Catalogue,
  DeadLetterPage,
  DeviceReadings,
  DeviceState,
  DeviceView,
  HubHealth,
  IngestStatsSnapshot,
  RejectReason,
  SilenceView,
} from './types';

/** The read API of the hub, one function per endpoint. */
export const hubApi = {
  catalogue: (signal?: AbortSignal) => getJson<Catalogue>('/api/catalogue', signal),
  devices: async (signal?: AbortSignal) => (await getJson<DeviceView[]>('/api/devices', signal)).filter(isFleetDevice),
  /** A device waiting in quarantine may not know its domain yet: shown as "unknown". */
  device: async (id: string, signal?: AbortSignal): Promise<DeviceState> => {
    const view = await getJson<DeviceView>(`/api/devices/${encodeURIComponent(id)}`, signal);
    return { ...view, domain: view.domain ?? 'unknown' };
  },
  readings: (id: string, range: { from: number; to: number }, signal?: AbortSignal) =>
    getJson<DeviceReadings>(`/api/devices/${encodeURIComponent(id)}/readings${query({ from: range.from, to: range.to })}`, signal),
  deadLetters: (filter: DeadLetterQuery, signal?: AbortSignal) =>
    getJson<DeadLetterPage>(
      `/api/dead-letters${query({ reason: filter.reason, device: filter.device, from: filter.from, to: filter.to, limit: filter.limit, before: filter.before })}`,
      signal,
    ),
  /** 503 with the same body when something is down, so the body is read either way. */
  health: async (signal?: AbortSignal): Promise<HubHealth> => {
    let response: Response;
    try {
      response = await fetch('/api/health', { signal: signal ?? AbortSignal.timeout(15_000), headers: { Accept: 'application/json' } });
    } catch (error) {
      if (error instanceof DOMException && error.name === 'AbortError') throw error;
      throw new ApiError(0, 'The hub is not answering. Check the network, or whether the service is running.');
    }
    if (response.status !== 200 && response.status !== 503) throw new ApiError(response.status, `Health check answered ${response.status}`);
    return (await response.json()) as HubHealth;
  },
  ingestStats: (signal?: AbortSignal) => getJson<IngestStatsSnapshot>('/api/ingest/stats', signal),

  alerts: (filter: AlertQuery, signal?: AbortSignal) =>
    getJson<AlertPage>(
      `/api/alerts${query({ state: filter.state, severity: filter.severity, domain: filter.domain, town: filter.town, device: filter.device, rule: filter.rule, limit: filter.limit ?? 500 })}`,
      signal,
    ),
  alert: (id: number, signal?: AbortSignal) => getJson<AlertView>(`/api/alerts/${id}`, signal),
  alertHistory: (id: number, signal?: AbortSignal) => getJson<AlertEventView[]>(`/api/alerts/${id}/history`, signal),
  acknowledge: (id: number, by: string, note: string) => sendJson<AlertView>('POST', `/api/alerts/${id}/acknowledge`, { by, ...(note ? { note } : {}) }),
  resolve: (id: number, by: string, note: string) => sendJson<AlertView>('POST', `/api/alerts/${id}/resolve`, { by, ...(note ? { note } : {}) }),
  comment: (id: number, by: string, text: string) => sendJson<AlertEventView>('POST', `/api/alerts/${id}/comments`, { by, text }),

  rules: (signal?: AbortSignal) => getJson<AlertRuleDocument[]>('/api/alert-rules', signal),
  rule: (id: string, signal?: AbortSignal) => getJson<AlertRuleDocument>(`/api/alert-rules/${encodeURIComponent(id)}`, signal),
  createRule: (rule: unknown) => sendJson<AlertRuleDocument>('POST', '/api/alert-rules', rule),
  replaceRule: (id: string, rule: unknown) => sendJson<AlertRuleDocument>('PUT', `/api/alert-rules/${encodeURIComponent(id)}`, rule),
  patchRule: (id: string, change: unknown) => sendJson<AlertRuleDocument>('PATCH', `/api/alert-rules/${encodeURIComponent(id)}`, change),
  deleteRule: (id: string) => sendJson<void>('DELETE', `/api/alert-rules/${encodeURIComponent(id)}`),

  silences: (includeExpired: boolean, signal?: AbortSignal) => getJson<SilenceView[]>(`/api/alert-silences${query({ expired: includeExpired ? 'true' : undefined, limit: 500 })}`, signal),
  createSilence: (silence: unknown) => sendJson<SilenceView>('POST', '/api/alert-silences', silence),
  updateSilence: (id: number, change: unknown) => sendJson<SilenceView>('PATCH', `/api/alert-silences/${id}`, change),
  deleteSilence: (id: number) => sendJson<void>('DELETE', `/api/alert-silences/${id}`),
};

export interface AlertQuery {
  /** open = firing or acknowledged. */
  readonly state?: 'open' | 'firing' | 'acknowledged' | 'resolved';
  readonly severity?: string;
  readonly domain?: string;
  readonly town?: string;
  readonly device?: string;
  readonly rule?: string;
  readonly limit?: number;
}

export interface DeadLetterQuery {
  readonly reason?: RejectReason;
  readonly device?: string;
  readonly from?: number;
  readonly to?: number;
  readonly limit?: number;
  readonly before?: number;
}
