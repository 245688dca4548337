import type { PostgresProcess } from './postgres-process';

export default async function stopTestPostgres(): Promise<void> {
  await (globalThis as { hubTestPostgres?: PostgresProcess }).hubTestPostgres?.cleanup();
}
