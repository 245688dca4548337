export * from './address-key';
export * from './connection-rate-limiter';
export * from './login-backoff';
export * from './mqtt-perimeter';
export * from './once-per-interval';
export * from './perimeter-stats';
export * from './publish-throttle';
export * from './token-bucket';
