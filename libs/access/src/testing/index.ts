export * from './access-fixtures';
export * from './mqtt-access-policy.contract';
