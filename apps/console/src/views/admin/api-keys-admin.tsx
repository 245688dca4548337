import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { hubApi } from '../../api/hub-api';
import { ApiError } from '../../api/http';
import type { CreatedApiKey } from '@hub/api-types';
import { FieldError, invalidProps } from '../../components/field-error';
import { Empty, ErrorNotice, Loading } from '../../components/states';
import { Time } from '../../components/time';
import { describeScope, parseTownList } from '../../format/scope';
import { useResource } from '../../hooks/use-resource';
import { t } from '../../i18n/i18n';
import { RichMessage } from './rich-message';
import { ScopeDraft, ScopeFields } from './scope-fields';

const SHOWN_FIELDS = ['name', 'description', 'role', 'towns', 'domains'];

/** API keys for systems: issue one (shown once), see when each was last used, revoke. */
export function ApiKeysAdmin(): JSX.Element {
  const keys = useResource((signal) => hubApi.apiKeys(signal), []);
  const [confirming, setConfirming] = useState<number | undefined>();
  const [rowError, setRowError] = useState<Error | undefined>();
  const revoke = async (id: number): Promise<void> => {
    setRowError(undefined);
    try {
      await hubApi.revokeApiKey(id);
    } catch (error) {
      setRowError(error instanceof Error ? error : new Error(String(error)));
    }
    setConfirming(undefined);
    keys.reload();
  };
  return (
    <>
      <NewApiKey onCreated={keys.reload} />
      <section class="card" aria-labelledby="keys-title">
        <h2 class="card-title" id="keys-title">
          {t('admin.apiKeys.title')}
        </h2>
        {rowError && <ErrorNotice error={rowError} compact />}
        {keys.loading && <Loading what={t('admin.apiKeys.loading')} />}
        {!keys.data && keys.error && <ErrorNotice error={keys.error} onRetry={keys.reload} />}
        {keys.data && keys.data.length === 0 && <Empty title={t('admin.apiKeys.empty')}>{t('admin.apiKeys.emptyText')}</Empty>}
        {keys.data && keys.data.length > 0 && (
          <div class="table-scroll">
            <table class="table api-keys-table">
              <thead>
                <tr>
                  <th scope="col">{t('admin.apiKeys.key')}</th>
                  <th scope="col">{t('admin.common.role')}</th>
                  <th scope="col">{t('admin.common.sees')}</th>
                  <th scope="col">{t('admin.apiKeys.lastUsed')}</th>
                  <th scope="col" class="col-optional">
                    {t('admin.common.created')}
                  </th>
                  <th scope="col">
                    <span class="visually-hidden">{t('admin.common.actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {keys.data.map((key) => (
                  <tr key={key.id} data-api-key={key.name} class={key.revokedAt ? 'row-disabled' : ''}>
                    <th scope="row">
                      {key.name} <code class="muted">{key.prefix}…</code>
                      {key.description && <div class="muted small">{key.description}</div>}
                    </th>
                    <td>{t(`shell.role.${key.role}`)}</td>
                    <td>{describeScope(key)}</td>
                    <td>{key.lastUsedAt ? <Time value={key.lastUsedAt} /> : <span class="muted">{t('time.never')}</span>}</td>
                    <td class="col-optional">
                      <Time value={key.createdAt} /> <span class="muted small">{t('admin.common.by', { name: key.createdBy })}</span>
                    </td>
                    <td class="row-actions">
                      {key.revokedAt ? (
                        <span class="muted">
                          <RichMessage id="admin.apiKeys.revokedAt" parts={{ time: <Time value={key.revokedAt} /> }} />
                        </span>
                      ) : confirming === key.id ? (
                        <span class="confirm">
                          {t('admin.apiKeys.confirmRevoke', { name: key.name })}{' '}
                          <button type="button" class="button button-small button-danger" onClick={() => void revoke(key.id)}>
                            {t('admin.apiKeys.revoke')}
                          </button>{' '}
                          <button type="button" class="button button-small" onClick={() => setConfirming(undefined)}>
                            {t('admin.common.keep')}
                          </button>
                        </span>
                      ) : (
                        <button type="button" class="button button-small" onClick={() => setConfirming(key.id)}>
                          {t('admin.apiKeys.revokeAsk')}
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}

function NewApiKey(props: { onCreated: () => void }): JSX.Element {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [scope, setScope] = useState<ScopeDraft>({ role: 'viewer', towns: '', domains: [] });
  const [fields, setFields] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<Error | undefined>();
  const [created, setCreated] = useState<CreatedApiKey | undefined>();
  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    setFields({});
    setFailure(undefined);
    setCreated(undefined);
    try {
      setCreated(
        await hubApi.createApiKey({ name: name.trim(), role: scope.role, towns: parseTownList(scope.towns), domains: scope.domains, ...(description.trim() ? { description: description.trim() } : {}) }),
      );
      setName('');
      setDescription('');
      props.onCreated();
    } catch (error) {
      const problem = error instanceof Error ? error : new Error(String(error));
      setFailure(problem);
      if (problem instanceof ApiError) setFields(problem.fields);
    }
  };
  const hidden = Object.keys(fields).some((path) => !SHOWN_FIELDS.includes(path));
  return (
    <form class="card api-key-form" onSubmit={(event) => void submit(event)} noValidate aria-labelledby="new-key-title">
      <h2 class="card-title" id="new-key-title">
        {t('admin.apiKeys.new')}
      </h2>
      <div class="form-grid">
        <div class="field">
          <label>
            <span class="field-label">{t('admin.common.name')}</span>
            <input name="name" autoComplete="off" value={name} onInput={(event) => setName(event.currentTarget.value)} {...invalidProps(fields, 'name')} />
          </label>
          <p class="field-hint">{t('admin.apiKeys.nameHint')}</p>
          <FieldError fields={fields} path="name" />
        </div>
        <div class="field">
          <label>
            <span class="field-label">{t('admin.apiKeys.purpose')}</span>
            <input name="description" value={description} onInput={(event) => setDescription(event.currentTarget.value)} {...invalidProps(fields, 'description')} />
          </label>
          <FieldError fields={fields} path="description" />
        </div>
        <ScopeFields draft={scope} fields={fields} onChange={setScope} />
      </div>
      {failure && (hidden || Object.keys(fields).length === 0) && <ErrorNotice error={failure} compact />}
      <div class="action-buttons">
        <button type="submit" class="button button-primary">
          {t('admin.apiKeys.create')}
        </button>
      </div>
      {created && (
        <div class="notice notice-warning new-key" role="status">
          <p>
            <RichMessage id="admin.apiKeys.copyNow" parts={{ name: <strong>{created.apiKey.name}</strong>, header: <code>{'Authorization: Bearer <key>'}</code> }} />
          </p>
          <input class="new-key-value" readOnly value={created.key} aria-label={t('admin.apiKeys.newKey')} onFocus={(event) => event.currentTarget.select()} />
        </div>
      )}
    </form>
  );
}
