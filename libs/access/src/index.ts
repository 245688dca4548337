export * from './access-scope';
export * from './mqtt-access';
