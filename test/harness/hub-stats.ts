import type { IngestStatsSnapshot } from '@hub/pipeline';
import { HubProcess } from './hub-process';
import { waitFor } from './wait-for';

export const stats = async (hub: HubProcess): Promise<IngestStatsSnapshot> => (await hub.get<IngestStatsSnapshot>('/api/ingest/stats')).body;

/** Waits until nothing is in memory or in the spool, and returns the stats then (which must balance). */
export async function settled(hub: HubProcess, timeoutMs = 60_000): Promise<IngestStatsSnapshot> {
  return waitFor(
    () => stats(hub),
    (snapshot) => snapshot.buffered === 0 && snapshot.spooled === 0 && snapshot.waitingForRoom === 0,
    timeoutMs,
    'writer and spool empty',
  );
}
