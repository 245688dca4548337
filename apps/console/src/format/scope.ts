import { t } from '../i18n/i18n';

/** "the county", or "Ashford, Brook · water" for an operator's or key's towns and domains. */
export function describeScope(scope: { readonly towns: readonly string[]; readonly domains: readonly string[] }): string {
  if (scope.towns.length === 0 && scope.domains.length === 0) return t('scope.county');
  return [scope.towns.join(', '), scope.domains.join(', ')].filter((part) => part !== '').join(' · ');
}

/** "Ashford, Brook" typed in a field → ["Ashford", "Brook"] (empty entries dropped). */
export function parseTownList(text: string): string[] {
  return text
    .split(',')
    .map((town) => town.trim())
    .filter((town) => town !== '');
}
