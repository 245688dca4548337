export * from './sqlite-database';
export * from './audit-log.repository';
export * from './backup';
export * from './schema';
export * from './store';
export * from './database-url';
export { SCHEMA_VERSION } from './migrations/postgres-migrator';
export * from './copy-to-postgres';
export * from './database-errors';
