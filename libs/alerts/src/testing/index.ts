export * from './alert-fixtures';
