export * from './env-parsers';
export * from './hub-config';
export * from './alert-config';
export * from './access-config';
export * from './perimeter-config';
export * from './device-config';
export * from './operator-config';
export * from './runtime-config';
