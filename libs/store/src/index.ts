export * from './sqlite-database';
export * from './dead-letter.repository';
export * from './device-state.repository';
export * from './audit-log.repository';
