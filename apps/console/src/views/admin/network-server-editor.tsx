import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import type { NetworkServerKind, NetworkServerView } from '@hub/api-types';
import { ApiError } from '../../api/http';
import { hubApi } from '../../api/hub-api';
import { FieldError, invalidProps } from '../../components/field-error';
import { ErrorNotice } from '../../components/states';
import { t } from '../../i18n/i18n';
import {
  applicationIdProblems, draftOf, emptyNetworkServerDraft, NETWORK_SERVER_KIND_LABELS, type NetworkServerDraft, networkServerChange, newNetworkServerBody, usesTls,
} from '../../network-servers/network-server-draft';

type Fields = Readonly<Record<string, string>>;
type TextKey = 'name' | 'url' | 'username' | 'clientId';

/**
 * One connection's form: new (with a name) or saved (name and kind fixed). The hub validates everything and answers
 * a bad field with its problem, shown under that field; the password is never shown back, so on a saved connection
 * an empty password field keeps the stored one.
 */
export function NetworkServerEditor(props: { saved?: NetworkServerView; onSaved: (server: NetworkServerView) => void; onClose: () => void }): JSX.Element {
  const { saved } = props;
  const [draft, setDraft] = useState<NetworkServerDraft>(() => (saved ? draftOf(saved) : emptyNetworkServerDraft()));
  const [fields, setFields] = useState<Fields>({});
  const [failure, setFailure] = useState<Error | undefined>();
  const [notice, setNotice] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const set = <K extends keyof NetworkServerDraft>(key: K, value: NetworkServerDraft[K]): void => setDraft((current) => ({ ...current, [key]: value }));

  const save = async (event: Event): Promise<void> => {
    event.preventDefault();
    setFailure(undefined);
    setNotice(undefined);
    const change = saved ? networkServerChange(draft, saved) : undefined;
    if (change !== undefined && Object.keys(change).length === 0) {
      setFields({});
      setNotice(t('admin.networkServers.nothingChanged'));
      return;
    }
    setBusy(true);
    try {
      const server = saved && change ? await hubApi.updateNetworkServer(saved.name, change) : await hubApi.createNetworkServer(newNetworkServerBody(draft));
      setFields({});
      props.onSaved(server);
    } catch (error) {
      const failed = error instanceof Error ? error : new Error(String(error));
      const named = failed instanceof ApiError ? failed.fields : {};
      setFields(named);
      if (Object.keys(named).length === 0) setFailure(failed);
    } finally {
      setBusy(false);
    }
  };

  const title = saved ? t('admin.networkServers.titleSaved', { name: saved.name }) : t('admin.networkServers.titleNew');
  const text = (key: TextKey, label: string, options: { hint?: string; placeholder?: string } = {}) => (
    <div class="field">
      <label>
        <span class="field-label">{label}</span>
        <input
          name={key}
          autoComplete="off"
          spellcheck={false}
          placeholder={options.placeholder}
          value={draft[key]}
          disabled={key === 'name' && saved !== undefined}
          onInput={(event) => set(key, event.currentTarget.value)}
          {...invalidProps(fields, key)}
        />
      </label>
      {options.hint && <p class="field-hint">{options.hint}</p>}
      <FieldError fields={fields} path={key} />
    </div>
  );
  const idProblems = applicationIdProblems(fields);
  const tls = usesTls(draft.url);

  return (
    <section class="card network-server-editor" aria-labelledby="network-server-editor-title" data-editing={saved?.name ?? ''}>
      <div class="card-header">
        <h2 class="card-title" id="network-server-editor-title">
          {title}
        </h2>
        <button type="button" class="button button-small" onClick={props.onClose}>
          {t('admin.common.close')}
        </button>
      </div>
      <form onSubmit={(event) => void save(event)} noValidate aria-label={title}>
        <div class="form-grid">
          {text('name', t('admin.common.name'), { hint: t('admin.networkServers.nameHint') })}
          <div class="field">
            <label>
              <span class="field-label">{t('admin.networkServers.kind')}</span>
              <select name="kind" value={draft.kind} disabled={saved !== undefined} onChange={(event) => set('kind', event.currentTarget.value as NetworkServerKind)} {...invalidProps(fields, 'kind')}>
                {Object.entries(NETWORK_SERVER_KIND_LABELS).map(([kind, label]) => (
                  <option key={kind} value={kind}>
                    {label}
                  </option>
                ))}
              </select>
            </label>
            <FieldError fields={fields} path="kind" />
          </div>
          {text('url', t('admin.networkServers.url'), { placeholder: 'mqtts://chirpstack.county.example:8883', hint: t('admin.networkServers.urlHint') })}
          {text('username', t('admin.common.username'), { hint: t('admin.networkServers.usernameHint') })}
          <div class="field">
            <label>
              <span class="field-label">{t('admin.common.password')}</span>
              <input
                name="password"
                type="password"
                autoComplete="new-password"
                placeholder={saved?.passwordSet ? t('admin.networkServers.unchanged') : undefined}
                value={draft.password}
                onInput={(event) => set('password', event.currentTarget.value)}
                {...invalidProps(fields, 'password')}
              />
            </label>
            <p class="field-hint" data-password-set={String(saved?.passwordSet ?? false)}>
              {saved?.passwordSet ? t('admin.networkServers.passwordSet') : t('admin.networkServers.passwordWriteOnly')}
            </p>
            <FieldError fields={fields} path="password" />
          </div>
          {text('clientId', t('admin.networkServers.clientId'), {
            placeholder: draft.name.trim() === '' ? 'county-hub-<name>' : `county-hub-${draft.name.trim()}`,
            hint: t('admin.networkServers.clientIdHint'),
          })}
        </div>
        {saved?.passwordSet && (
          <div class="field">
            <label class="checkbox">
              <input type="checkbox" name="clearPassword" checked={draft.clearPassword} disabled={draft.password !== ''} onChange={(event) => set('clearPassword', event.currentTarget.checked)} />{' '}
              {t('admin.networkServers.clearPassword')}
            </label>
          </div>
        )}
        {tls && (
          <fieldset class="network-server-tls">
            <legend>{t('admin.networkServers.tls')}</legend>
            <div class="field">
              <label>
                <span class="field-label">{t('admin.networkServers.ca')}</span>
                <textarea name="ca" class="code-input" rows={6} spellcheck={false} placeholder={t('admin.networkServers.caPlaceholder')} value={draft.ca} onInput={(event) => set('ca', event.currentTarget.value)} {...invalidProps(fields, 'tls.ca')} />
              </label>
              <p class="field-hint">{t('admin.networkServers.caHint')}</p>
              <FieldError fields={fields} path="tls.ca" />
            </div>
            <div class="field">
              <label class="checkbox">
                <input type="checkbox" name="rejectUnauthorized" checked={draft.rejectUnauthorized} onChange={(event) => set('rejectUnauthorized', event.currentTarget.checked)} />{' '}
                {t('admin.networkServers.rejectUnauthorized')}
              </label>
              <p class="field-hint">{t('admin.networkServers.rejectUnauthorizedHint')}</p>
              <FieldError fields={fields} path="tls.rejectUnauthorized" />
            </div>
          </fieldset>
        )}
        <FieldError fields={fields} path="tls" />
        <div class="field">
          <label>
            <span class="field-label">{t('admin.networkServers.applicationIds')}</span>
            <textarea
              name="applicationIds"
              class="code-input"
              rows={3}
              spellcheck={false}
              value={draft.applicationIds}
              onInput={(event) => set('applicationIds', event.currentTarget.value)}
              {...(idProblems.length > 0 ? { 'aria-invalid': 'true' as const } : {})}
            />
          </label>
          <p class="field-hint">{t('admin.networkServers.applicationIdsHint')}</p>
          {idProblems.length > 0 && (
            <ul class="field-error" data-field-error="applicationIds">
              {idProblems.map((line) => (
                <li key={line}>{line}</li>
              ))}
            </ul>
          )}
        </div>
        <div class="field">
          <label class="checkbox">
            <input type="checkbox" name="enabled" checked={draft.enabled} onChange={(event) => set('enabled', event.currentTarget.checked)} />{' '}
            {t('admin.networkServers.enabled')}
          </label>
          <FieldError fields={fields} path="enabled" />
        </div>
        <FieldError fields={fields} path="(body)" />
        {failure && <ErrorNotice error={failure} compact />}
        {notice && (
          <p class="muted" role="status">
            {notice}
          </p>
        )}
        <div class="action-buttons">
          <button type="submit" class="button button-primary" disabled={busy}>
            {saved ? t('admin.common.saveChanges') : t('admin.networkServers.create')}
          </button>
        </div>
      </form>
    </section>
  );
}
