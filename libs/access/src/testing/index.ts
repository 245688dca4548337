export * from './access-fixtures';
