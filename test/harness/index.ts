// The helpers that start real processes (servers, the service) and wait for them; the benchmark and lib specs use
// them from outside test/. Tests under test/ import the harness files directly.
export * from './free-port';
export * from './haproxy-process';
export * from './hub-process';
export * from './hub-stats';
export * from './influxd-process';
export * from './chirpstack-events';
export * from './mosquitto-process';
export * from './postgres-process';
export * from './redis-process';
export * from './repo-root';
export * from './server-process';
export * from './test-certificates';
export * from './victoria-metrics-process';
export * from './wait-for';
export * from './csv-reader';
export * from './cluster-process';
