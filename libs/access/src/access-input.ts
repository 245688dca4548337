import { type Domain, type MetricCatalogue, readDomainList } from '@hub/contract';
import { InvalidInputError, JsonInputReader, AREA_PATH_PATTERN, AREA_PATH_RULE } from '@hub/common';
import { AccessScope, ROLES, Role } from './access-scope';

export { InvalidInputError, JsonInputReader };

/**
 * `towns` and `domains` of a body: lists (empty or absent: all), towns spelled as everywhere a town is typed. Keys
 * absent from the body are absent from the result. Shared by operators and API keys.
 */
export function readScope(read: JsonInputReader, catalogue: MetricCatalogue): { towns?: string[]; domains?: Domain[] } {
  const towns = read.stringList('towns', { maxItems: 200, pattern: AREA_PATH_PATTERN, patternText: AREA_PATH_RULE });
  const domains = readDomainList(read, 'domains', catalogue);
  return { ...(towns === undefined ? {} : { towns }), ...(domains === undefined ? {} : { domains }) };
}

export function fullScope(partial: { towns?: string[]; domains?: Domain[] }, base: AccessScope = { towns: [], domains: [] }): AccessScope {
  return { towns: partial.towns ?? base.towns, domains: partial.domains ?? base.domains };
}

export function readRole(read: JsonInputReader, required: boolean): Role | undefined {
  return required ? read.requiredOneOf('role', ROLES) : read.oneOf('role', ROLES);
}
