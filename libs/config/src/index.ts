export * from './env-parsers';
export * from './hub-config';
export * from './alert-config';
export * from './access-config';
export * from './runtime-config';
