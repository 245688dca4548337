export * from './redis-options';
export * from './cluster-bus';
