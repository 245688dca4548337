export * from './outage-spool';
export * from './spool-frame';
export * from './spool-full.error';
