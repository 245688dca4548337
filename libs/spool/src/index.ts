export * from './outage-spool';
export * from './spool-frame';
