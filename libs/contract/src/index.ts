export * from './metric-catalogue';
export * from './reject-reason';
export * from './telemetry-topic';
export * from './validate-telemetry';
export * from './catalogue.view';
export * from './domain-input';
export * from './standards-profile';
export * from './resolutions';
