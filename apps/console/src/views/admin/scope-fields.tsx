import type { JSX } from 'preact';
import { domainsOf, useCatalogue } from '../../api/catalogue';
import type { Role } from '@hub/api-types';
import { FieldError, invalidProps } from '../../components/field-error';
import { humanize } from '../../format/values';

export interface ScopeDraft {
  role: Role;
  towns: string;
  domains: string[];
}

const ROLE_TEXT: Record<Role, string> = {
  viewer: 'sees alerts, devices and readings',
  operator: 'also acknowledges, resolves, comments and silences',
  admin: 'also changes rules, operators and API keys',
};

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
          <span class="field-label">Role</span>
          <select name="role" value={draft.role} onChange={(event) => props.onChange({ ...draft, role: event.currentTarget.value as Role })} {...invalidProps(fields, 'role')}>
            {(Object.keys(ROLE_TEXT) as Role[]).map((role) => (
              <option value={role} key={role}>
                {role}
              </option>
            ))}
          </select>
        </label>
        <p class="field-hint">{ROLE_TEXT[draft.role]}</p>
        <FieldError fields={fields} path="role" />
      </div>
      <div class="field">
        <label>
          <span class="field-label">Towns</span>
          <input name="towns" value={draft.towns} placeholder="all towns" onInput={(event) => props.onChange({ ...draft, towns: event.currentTarget.value })} {...invalidProps(fields, 'towns')} />
        </label>
        <p class="field-hint">comma-separated; empty: every town</p>
        <FieldError fields={fields} path="towns" />
      </div>
      <div class="field">
        <div role="group" aria-label="Domains">
          <span class="field-label">Domains</span>
          <span class="months">
            {domainsOf(catalogue).map((domain) => (
              <label class="checkbox" key={domain}>
                <input type="checkbox" name={`domain-${domain}`} checked={draft.domains.includes(domain)} onChange={(event) => toggleDomain(domain, event.currentTarget.checked)} /> {humanize(domain)}
              </label>
            ))}
          </span>
        </div>
        <p class="field-hint">none ticked: every domain</p>
        <FieldError fields={fields} path="domains" />
      </div>
    </>
  );
}
