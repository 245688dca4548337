import type { JSX } from 'preact';
import { domainsOf, useCatalogue } from '../../api/catalogue';
import type { Role } from '@hub/api-types';
import { FieldError, invalidProps } from '../../components/field-error';
import { domainLabel } from '../../format/values';
import { t } from '../../i18n/i18n';

export interface ScopeDraft {
  role: Role;
  towns: string;
  domains: string[];
}

const ROLES: readonly Role[] = ['viewer', 'operator', 'admin'];

/** Role, towns and domains of a new operator or API key; the hub's objections under each. */
export function ScopeFields(props: { draft: ScopeDraft; fields: Readonly<Record<string, string>>; onChange: (draft: ScopeDraft) => void }): JSX.Element {
  const { catalogue } = useCatalogue();
  const { draft, fields } = props;
  const toggleDomain = (domain: string, on: boolean): void =>
    props.onChange({ ...draft, domains: on ? [...draft.domains, domain] : draft.domains.filter((candidate) => candidate !== domain) });
  return (
    <>
      <div class="field">
        <label>
          <span class="field-label">{t('admin.common.role')}</span>
          <select name="role" value={draft.role} onChange={(event) => props.onChange({ ...draft, role: event.currentTarget.value as Role })} {...invalidProps(fields, 'role')}>
            {ROLES.map((role) => (
              <option value={role} key={role}>
                {t(`shell.role.${role}`)}
              </option>
            ))}
          </select>
        </label>
        <p class="field-hint">{t(`admin.scope.roleText.${draft.role}`)}</p>
        <FieldError fields={fields} path="role" />
      </div>
      <div class="field">
        <label>
          <span class="field-label">{t('admin.scope.towns')}</span>
          <input name="towns" value={draft.towns} placeholder={t('admin.scope.allTowns')} onInput={(event) => props.onChange({ ...draft, towns: event.currentTarget.value })} {...invalidProps(fields, 'towns')} />
        </label>
        <p class="field-hint">{t('admin.scope.townsHint')}</p>
        <FieldError fields={fields} path="towns" />
      </div>
      <div class="field">
        <div role="group" aria-label={t('admin.scope.domains')}>
          <span class="field-label">{t('admin.scope.domains')}</span>
          <span class="months">
            {domainsOf(catalogue).map((domain) => (
              <label class="checkbox" key={domain}>
                <input type="checkbox" name={`domain-${domain}`} checked={draft.domains.includes(domain)} onChange={(event) => toggleDomain(domain, event.currentTarget.checked)} /> {domainLabel(domain)}
              </label>
            ))}
          </span>
        </div>
        <p class="field-hint">{t('admin.scope.domainsHint')}</p>
        <FieldError fields={fields} path="domains" />
      </div>
    </>
  );
}
