export * from './redis-options';
export * from './cluster-bus';
export * from './close-redis';
export * from './cache-coherence';
export * from './leader-lease';
export * from './leader-jobs';
