import { describe, type JsonInputReader } from '@hub/common';
import type { Domain, MetricCatalogue } from './metric-catalogue';

/** "one of water, power, …" for a message; the catalogue's domains in its order. */
export function domainChoices(catalogue: MetricCatalogue): string {
  return `one of ${catalogue.domains().join(', ')}`;
}

/** A request's domain field: absent is undefined, anything the catalogue does not hold is a problem naming the choices. */
export function readDomainField(read: JsonInputReader, key: string, catalogue: MetricCatalogue, required = false): Domain | undefined {
  const value = read.raw(key);
  if (value === undefined) return required ? read.missing(key, `is required: ${domainChoices(catalogue)}`) : undefined;
  if (typeof value !== 'string' || !catalogue.hasDomain(value)) return read.fail(key, `must be ${domainChoices(catalogue)}, got ${describe(value)}`, 'one-of', { allowed: catalogue.domains().join(', '), got: describe(value) });
  return value;
}

/** A list of distinct domains the catalogue holds (scopes, subscriptions); absent is undefined. */
export function readDomainList(read: JsonInputReader, key: string, catalogue: MetricCatalogue): Domain[] | undefined {
  const value = read.raw(key);
  if (value === undefined) return undefined;
  const domains = catalogue.domains();
  if (!Array.isArray(value) || value.length > domains.length) return read.fail(key, `must be an array of at most ${domains.length} domains, got ${describe(value)}`);
  const bad = value.findIndex((item) => typeof item !== 'string' || !catalogue.hasDomain(item));
  if (bad >= 0) return read.fail(`${key}[${bad}]`, `must be ${domainChoices(catalogue)}, got ${describe(value[bad])}`, 'one-of', { allowed: catalogue.domains().join(', '), got: describe(value[bad]) });
  if (new Set(value).size !== value.length) return read.fail(key, 'must not repeat an entry');
  return value as Domain[];
}
