export * from './registry-fixture';
export * from './held-store';
