// The integration-pg project: every hub a test starts keeps its shared state in PostgreSQL (a database of its own in
// the cluster the project's global setup started; see HubProcess.start). process.env here is this test file's own.
process.env.HUB_TEST_DATABASE = 'postgres';
