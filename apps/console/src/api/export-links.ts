import type { AlertQuery, DeadLetterQuery } from './hub-api';
import { query } from './http';

/**
 * Where the console's download buttons point: the hub's CSV exports (GET /api/exports/*.csv) with the filters the
 * page shows. Plain links, not fetch: the browser streams the file to disk as the hub streams it (a fetch would hold
 * the whole file in the page), and the session cookie goes with a same-site link.
 */
export const exportLinks = {
  /** Every reading of one device in the range, as stored. */
  readings: (deviceId: string, range: { from: number; to: number }): string => `/api/exports/readings.csv${query({ devices: deviceId, from: range.from, to: range.to })}`,
  /** The alerts the inbox lists for the same filter, each with its history. */
  alerts: (filter: AlertQuery): string =>
    `/api/exports/alerts.csv${query({ state: filter.state, severity: filter.severity, domain: filter.domain, town: filter.town, device: filter.device, rule: filter.rule })}`,
  deadLetters: (filter: DeadLetterQuery): string => `/api/exports/dead-letters.csv${query({ reason: filter.reason, device: filter.device, from: filter.from, to: filter.to })}`,
};
