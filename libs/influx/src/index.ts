export * from './line-protocol';
export * from './line-sink';
export * from './influx-v1-line-sink';
export * from './influx-v2-line-sink';
export * from './create-line-sink';
export * from './influx-query.client';
export * from './retention-policy.admin';
