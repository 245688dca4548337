import { ApiError, getJson, query } from './http';
import type { Catalogue, DeadLetterPage, DeviceReadings, DeviceState, HubHealth, IngestStatsSnapshot, RejectReason } from './types';

/** The read API of the hub, one function per endpoint. */
export const hubApi = {
  catalogue: (signal?: AbortSignal) => getJson<Catalogue>('/api/catalogue', signal),
  devices: (signal?: AbortSignal) => getJson<DeviceState[]>('/api/devices', signal),
  device: (id: string, signal?: AbortSignal) => getJson<DeviceState>(`/api/devices/${encodeURIComponent(id)}`, signal),
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
};

export interface DeadLetterQuery {
  readonly reason?: RejectReason;
  readonly device?: string;
  readonly from?: number;
  readonly to?: number;
  readonly limit?: number;
  readonly before?: number;
}
