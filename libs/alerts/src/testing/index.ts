export * from './alert-fixtures';
export * from './notification-channel.contract';
