import { SEVERITIES } from '@hub/alerts';
import { Domain, domainChoices, isDomainName, DEVICE_ID_PATTERN, EVERY_DOMAIN_NAME, type MetricCatalogue, parseSensorTopic } from '@hub/contract';

/** The topic trees an integration client may read: device telemetry and status, and alert notifications. */
const READABLE_TREES = ['sensors', 'alerts'] as const;

/** Whose data a topic carries: the device and its domain. */
export interface TopicSubject {
  readonly domain: Domain;
  readonly deviceId: string;
}

/**
 * The device a readable topic is about: `sensors/{domain}/{deviceId}/telemetry|status` or
 * `alerts/{domain}/{severity}/{deviceId}`. Null for any other topic, which integration clients never receive.
 */
export function topicSubject(topic: string): TopicSubject | null {
  // Topics of messages already taken (their domain was known then): only their shape is read here.
  const sensor = parseSensorTopic(topic, EVERY_DOMAIN_NAME);
  if (sensor.ok) return sensor.address;
  const levels = topic.split('/');
  if (levels.length !== 4 || levels[0] !== 'alerts') return null;
  const [, domain, severity, deviceId] = levels;
  if (!isDomainName(domain) || !(SEVERITIES as readonly string[]).includes(severity) || !DEVICE_ID_PATTERN.test(deviceId)) return null;
  return { domain, deviceId };
}

/**
 * Null when every topic `filter` can match lies in a readable tree and in one of `domains` (empty: all domains);
 * otherwise why not. Towns cannot be told from a filter: they are checked on each delivery.
 */
export function filterRefusal(filter: string, domains: readonly Domain[], catalogue: MetricCatalogue): string | null {
  const levels = filter.split('/');
  const [tree, domain] = levels;
  const example = `${READABLE_TREES.map((root) => `${root}/${domains[0] ?? 'water'}/#`).join(' or ')}`;
  if (!(READABLE_TREES as readonly string[]).includes(tree)) {
    return `integration clients read only under ${READABLE_TREES.map((root) => `${root}/`).join(' and ')}, e.g. ${example}`;
  }
  if (domain === undefined) return `name a domain (or + for all), e.g. ${example}`;
  if (domain === '+' || domain === '#') {
    return domains.length === 0 ? null : `"${domain}" in the domain level also matches domains this client may not read; it may read ${domains.join(', ')}: e.g. ${example}`;
  }
  if (!catalogue.hasDomain(domain)) return `"${domain.slice(0, 32)}" is not a domain; it must be ${domainChoices(catalogue)}`;
  if (domains.length > 0 && !domains.includes(domain)) return `${domain} is outside this client's domains (${domains.join(', ')})`;
  return null;
}
