import { i18n, t, type MessageId } from '../i18n/i18n';

/**
 * Why the hub refuses a message, in the console's language. The hub explains each reason code in English (GET
 * /api/catalogue, libs/contract's REJECT_REASONS); the catalogues hold that text for English and a translation for
 * the others, keyed by the code. A code the console does not know yet (a newer hub) keeps the hub's own words.
 */
export function describeReason(code: string, hubText?: string): string | undefined {
  const id = `reason.${code}`;
  return id in i18n.messages ? t(id as MessageId) : hubText;
}
