export * from './alert-fixtures';
export * from './notification-channel.contract';
export * from './recording-contact-points';
