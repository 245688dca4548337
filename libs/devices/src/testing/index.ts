export * from './registry-fixture';
