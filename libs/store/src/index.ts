export * from './sqlite-database';
export * from './audit-log.repository';
