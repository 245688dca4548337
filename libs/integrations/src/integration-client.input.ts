import { type DomainIssue, InvalidInputError, JsonInputReader, AREA_PATH_PATTERN, AREA_PATH_RULE } from '@hub/common';
import { type Domain, type MetricCatalogue, readDomainList } from '@hub/contract';
import { INTEGRATION_CLIENT_NAME_PATTERN, INTEGRATION_CLIENT_NAME_TEXT } from './integration-client';

export interface NewIntegrationClientInput {
  readonly name: string;
  readonly domains: readonly Domain[];
  readonly towns: readonly string[];
  readonly description: string;
}

export type IntegrationClientChange = Partial<Omit<NewIntegrationClientInput, 'name'>>;

/** `{ name, domains?, towns?, description? }`; every problem listed with its field. Empty (or absent) lists mean all. */
export function parseNewIntegrationClient(body: unknown, catalogue: MetricCatalogue): NewIntegrationClientInput {
  const issues: DomainIssue[] = [];
  const read = JsonInputReader.of(body, '', issues, ['name', 'domains', 'towns', 'description']);
  if (read === undefined) throw new InvalidInputError('MQTT client', issues);
  const name = read.requiredString('name', { maxLength: 64, pattern: INTEGRATION_CLIENT_NAME_PATTERN, patternText: INTEGRATION_CLIENT_NAME_TEXT });
  const scope = readScope(read, catalogue);
  const description = read.string('description', { maxLength: 500 }) ?? '';
  if (issues.length > 0 || name === undefined) throw new InvalidInputError('MQTT client', issues);
  return { name, domains: scope.domains ?? [], towns: scope.towns ?? [], description };
}

/** `{ domains?, towns?, description? }`: what changes; at least one. */
export function parseIntegrationClientChange(body: unknown, catalogue: MetricCatalogue): IntegrationClientChange {
  const issues: DomainIssue[] = [];
  const read = JsonInputReader.of(body, '', issues, ['domains', 'towns', 'description']);
  if (read === undefined) throw new InvalidInputError('MQTT client change', issues);
  const scope = readScope(read, catalogue);
  const description = read.has('description') && read.raw('description') === '' ? '' : read.string('description', { maxLength: 500 });
  if (!read.has('domains') && !read.has('towns') && !read.has('description')) read.fail('domains', 'or towns or description is required: what to change');
  if (issues.length > 0) throw new InvalidInputError('MQTT client change', issues);
  return {
    ...(scope.domains === undefined ? {} : { domains: scope.domains }),
    ...(scope.towns === undefined ? {} : { towns: scope.towns }),
    ...(description === undefined ? {} : { description }),
  };
}

function readScope(read: JsonInputReader, catalogue: MetricCatalogue): { domains?: Domain[]; towns?: string[] } {
  const domains = readDomainList(read, 'domains', catalogue);
  const towns = read.stringList('towns', { maxItems: 200, pattern: AREA_PATH_PATTERN, patternText: AREA_PATH_RULE });
  return { domains, towns };
}
