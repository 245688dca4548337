import type { JSX } from 'preact';
import { t } from '../i18n/i18n';
import { domainLabel } from '../format/values';

/** A page's domain filter: "All domains" or one of the catalogue's domains, labelled in the operator's language. */
/** A page's own data-* marker on the select (for its tests) passes through. */
type DataAttributes = { readonly [key: `data-${string}`]: string | boolean | undefined };

export function DomainFilter(props: { value: string; domains: readonly string[]; onChange: (domain: string) => void } & DataAttributes): JSX.Element {
  const { value, domains, onChange, ...attributes } = props;
  return (
    <label>
      {t('fleet.filter.domain')}
      <select {...attributes} value={value} onChange={(event) => onChange(event.currentTarget.value)}>
        <option value="">{t('fleet.filter.allDomains')}</option>
        {domains.map((name) => (
          <option value={name} key={name}>
            {domainLabel(name)}
          </option>
        ))}
      </select>
    </label>
  );
}
