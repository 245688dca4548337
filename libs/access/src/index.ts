export * from './access-scope';
export * from './mqtt-access';
export * from './username-routed.policy';
