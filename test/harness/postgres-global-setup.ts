// The contract project's global setup: one PostgreSQL cluster for the whole jest run, with a migrated template that
// each test store copies (libs/store/src/testing/test-stores.ts).
// Relative imports: jest transforms a global setup but resolves its imports without the projects' moduleNameMapper,
// so @hub/store is not found here.
/* eslint-disable hub/no-climbing-import */
import { Store } from '../../libs/store/src/store';
import { TEST_POSTGRES_TEMPLATE, TEST_POSTGRES_URL } from '../../libs/store/src/testing/test-stores';
/* eslint-enable hub/no-climbing-import */
import { PostgresProcess } from './postgres-process';

export default async function startTestPostgres(): Promise<void> {
  // Two projects (contract, integration-pg) share one cluster: jest runs both global setups in this one process.
  if ((globalThis as { hubTestPostgres?: PostgresProcess }).hubTestPostgres !== undefined) return;
  const cluster = await PostgresProcess.start();
  try {
    const { url } = await cluster.createDatabase({ name: TEST_POSTGRES_TEMPLATE });
    const store = await Store.postgres(url);
    await store.close();
  } catch (error) {
    await cluster.cleanup();
    throw error;
  }
  // Workers start after this and inherit the environment.
  process.env[TEST_POSTGRES_URL] = cluster.url('');
  (globalThis as { hubTestPostgres?: PostgresProcess }).hubTestPostgres = cluster;
}
