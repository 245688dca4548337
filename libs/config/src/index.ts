export * from './env-parsers';
export * from './hub-config';
