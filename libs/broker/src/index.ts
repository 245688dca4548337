export * from './bounded-offline-queues';
export * from './forward-only-to-subscribers';
export * from './mqtt-access.hooks';
export * from './mqtt-broker';
export * from './mqtt-listeners';
export * from './mqtt-packet-size.meter';
export * from './plain-parser-buffer';
export * from './subscription-index';
