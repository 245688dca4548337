import type { Severity } from '@hub/api-types';
import { type MessageId, t } from '../i18n/i18n';

/** Severities and domains as words in the console's language; the codes stay what routes match and the hub stores. */

const SEVERITY_WORDS: Readonly<Record<Severity, MessageId>> = { critical: 'notify.severity.critical', warning: 'notify.severity.warning', info: 'notify.severity.info' };
/** The built-in domains; a domain a county added to its catalogue is shown by its name. */
const DOMAIN_WORDS: Readonly<Record<string, MessageId>> = {
  water: 'notify.domain.water',
  power: 'notify.domain.power',
  gas: 'notify.domain.gas',
  heat: 'notify.domain.heat',
  traffic: 'notify.domain.traffic',
};

export const severityWord = (severity: string): string => (Object.hasOwn(SEVERITY_WORDS, severity) ? t(SEVERITY_WORDS[severity as Severity]) : severity);
export const domainWord = (domain: string): string => (Object.hasOwn(DOMAIN_WORDS, domain) ? t(DOMAIN_WORDS[domain]) : domain);
