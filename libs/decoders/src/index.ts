export * from './decoder';
export * from './decoder-definition.error';
export * from './mapping/mapping.decoder';
export type { MappingDefinition, MetricMapping, TimestampMapping, UnitMapping } from './mapping/mapping-definition';
export * from './payload-encoding';
export * from './timestamp-format';
export * from './unit-conversion';
