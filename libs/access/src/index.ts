export * from './access-scope';
