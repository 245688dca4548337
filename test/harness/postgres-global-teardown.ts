import type { PostgresProcess } from './postgres-process';

export default async function stopTestPostgres(): Promise<void> {
  const holder = globalThis as { hubTestPostgres?: PostgresProcess };
  const cluster = holder.hubTestPostgres;
  holder.hubTestPostgres = undefined;
  await cluster?.cleanup();
}
