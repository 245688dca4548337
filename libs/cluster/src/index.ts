export * from './redis-options';
export * from './cluster-bus';
export * from './leader-lease';
export * from './leader-jobs';
