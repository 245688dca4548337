export * from './sqlite-database';
export * from './audit-log.repository';
export * from './backup';
