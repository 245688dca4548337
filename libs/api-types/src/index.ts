/**
 * The JSON the hub's HTTP API answers with and the bodies its clients send: one definition, read by the libs that
 * build the answers, the hub's OpenAPI classes (which `implements` them) and the console. Types and pure functions
 * only, so the console's bundle can take it (no Node built-ins, no drivers).
 */
export type { Catalogue, CatalogueDomain, CatalogueMetric, Domain, RejectReason } from '@hub/contract';
export { READING_RESOLUTIONS, type ReadingResolution } from '@hub/contract';
export * from './access';
export * from './areas';
export * from './alerts';
export * from './areas';
export * from './commands';
export * from './contact-points';
export * from './describe-condition';
export * from './devices';
export * from './errors';
export * from './health';
export * from './ingest';
export * from './integrations';
export * from './network-servers';
export * from './presence-status';
export * from './profiles';
export * from './reports';
export * from './notifications';
export * from './notification-templates';
export * from './map';
export * from './standards-profile';
export * from './default-rule-names';
