import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { hubApi } from '../../api/hub-api';
import { ApiError } from '../../api/http';
import type { OperatorView, Role } from '@hub/api-types';
import { useMe } from '../../auth/session';
import { FieldError, invalidProps } from '../../components/field-error';
import { ErrorNotice, Loading } from '../../components/states';
import { Time } from '../../components/time';
import { describeScope, parseTownList } from '../../format/scope';
import { useResource } from '../../hooks/use-resource';
import { t } from '../../i18n/i18n';
import { ScopeDraft, ScopeFields } from './scope-fields';

/** The operators: who they are, their role and scope, whether they are logged in; make, change, disable, reset. */
export function OperatorsAdmin(): JSX.Element {
  const operators = useResource((signal) => hubApi.operators(signal), []);
  const [rowError, setRowError] = useState<Error | undefined>();
  const [done, setDone] = useState('');
  const act = async (work: () => Promise<unknown>, message: string): Promise<boolean> => {
    setRowError(undefined);
    setDone('');
    let succeeded = false;
    try {
      await work();
      setDone(message);
      succeeded = true;
    } catch (error) {
      setRowError(error instanceof Error ? error : new Error(String(error)));
    }
    operators.reload();
    return succeeded;
  };
  return (
    <>
      <NewOperator onCreated={operators.reload} />
      <section class="card" aria-labelledby="operators-title">
        <h2 class="card-title" id="operators-title">
          {t('admin.operators.title')}
        </h2>
        {rowError && <ErrorNotice error={rowError} compact />}
        <div role="status" aria-live="polite">
          {done && <p class="action-status">{done}</p>}
        </div>
        {operators.loading && <Loading what={t('admin.operators.loading')} />}
        {!operators.data && operators.error && <ErrorNotice error={operators.error} onRetry={operators.reload} />}
        {operators.data && (
          <div class="table-scroll">
            <table class="table operators-table">
              <thead>
                <tr>
                  <th scope="col">{t('admin.operators.operator')}</th>
                  <th scope="col">{t('admin.common.role')}</th>
                  <th scope="col">{t('admin.common.sees')}</th>
                  <th scope="col" class="col-optional">
                    {t('admin.common.created')}
                  </th>
                  <th scope="col">
                    <span class="visually-hidden">{t('admin.common.actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {operators.data.map((operator) => (
                  <OperatorRow key={operator.username} operator={operator} act={act} />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}

function OperatorRow(props: { operator: OperatorView; act: (work: () => Promise<unknown>, message: string) => Promise<boolean> }): JSX.Element {
  const { operator, act } = props;
  const me = useMe();
  const self = operator.username === me.name;
  const [resetting, setResetting] = useState(false);
  const [password, setPassword] = useState('');
  return (
    <tr data-operator={operator.username} class={operator.disabled ? 'row-disabled' : ''}>
      <th scope="row">
        {operator.username}
        <div class="muted small">
          {operator.disabled ? t('admin.operators.disabled') : operator.sessions > 0 ? t('admin.operators.signedIn', { count: operator.sessions }) : t('admin.operators.notSignedIn')}
        </div>
      </th>
      <td>
        <select
          name="role"
          aria-label={t('admin.operators.roleOf', { username: operator.username })}
          value={operator.role}
          disabled={self}
          onChange={(event) => {
            const role = event.currentTarget.value as Role;
            void act(() => hubApi.updateOperator(operator.username, { role }), t('admin.operators.roleChanged', { username: operator.username, role: t(`shell.role.${role}`) }));
          }}
        >
          {(['viewer', 'operator', 'admin'] as Role[]).map((role) => (
            <option value={role} key={role}>
              {t(`shell.role.${role}`)}
            </option>
          ))}
        </select>
      </td>
      <td>{describeScope(operator)}</td>
      <td class="col-optional">
        <Time value={operator.createdAt} /> <span class="muted small">{t('admin.common.by', { name: operator.createdBy })}</span>
      </td>
      <td class="row-actions">
        {resetting ? (
          <form
            class="inline-form"
            onSubmit={(event) => {
              event.preventDefault();
              void act(() => hubApi.updateOperator(operator.username, { password }), t('admin.operators.passwordReset', { username: operator.username })).then((succeeded) => {
                if (!succeeded) return;
                setResetting(false);
                setPassword('');
              });
            }}
          >
            <input type="password" name="new-password" aria-label={t('admin.operators.newPasswordFor', { username: operator.username })} autoComplete="new-password" value={password} onInput={(event) => setPassword(event.currentTarget.value)} />{' '}
            <button type="submit" class="button button-small button-primary">
              {t('admin.operators.set')}
            </button>{' '}
            <button type="button" class="button button-small" onClick={() => setResetting(false)}>
              {t('admin.common.cancel')}
            </button>
          </form>
        ) : (
          <>
            <button type="button" class="button button-small" onClick={() => setResetting(true)}>
              {t('admin.operators.resetPassword')}
            </button>{' '}
            {!self && (
              <button
                type="button"
                class="button button-small"
                onClick={() =>
                  void act(
                    () => hubApi.updateOperator(operator.username, { disabled: !operator.disabled }),
                    operator.disabled ? t('admin.operators.enabledAgain', { username: operator.username }) : t('admin.operators.disabledEverywhere', { username: operator.username }),
                  )
                }
              >
                {operator.disabled ? t('admin.operators.enable') : t('admin.operators.disable')}
              </button>
            )}
          </>
        )}
      </td>
    </tr>
  );
}

/** Fields with their own place in the form; the hub's objections to any other (e.g. `towns[2]`) go in the notice. */
const SHOWN_FIELDS = ['username', 'password', 'role', 'towns', 'domains'];

function NewOperator(props: { onCreated: () => void }): JSX.Element {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [scope, setScope] = useState<ScopeDraft>({ role: 'operator', towns: '', domains: [] });
  const [fields, setFields] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<Error | undefined>();
  const [done, setDone] = useState('');
  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    setFields({});
    setFailure(undefined);
    setDone('');
    try {
      const created = await hubApi.createOperator({ username: username.trim(), password, role: scope.role, towns: parseTownList(scope.towns), domains: scope.domains });
      setDone(t('admin.operators.created', { username: created.username, role: t(`shell.role.${created.role}`), scope: describeScope(created) }));
      setUsername('');
      setPassword('');
      props.onCreated();
    } catch (error) {
      const problem = error instanceof Error ? error : new Error(String(error));
      setFailure(problem);
      if (problem instanceof ApiError) setFields(problem.fields);
    }
  };
  return (
    <form class="card operator-form" onSubmit={(event) => void submit(event)} noValidate aria-labelledby="new-operator-title">
      <h2 class="card-title" id="new-operator-title">
        {t('admin.operators.new')}
      </h2>
      <div class="form-grid">
        <div class="field">
          <label>
            <span class="field-label">{t('admin.common.username')}</span>
            <input name="username" autoComplete="off" autoCapitalize="none" value={username} onInput={(event) => setUsername(event.currentTarget.value)} {...invalidProps(fields, 'username')} />
          </label>
          <p class="field-hint">{t('admin.operators.usernameHint')}</p>
          <FieldError fields={fields} path="username" />
        </div>
        <div class="field">
          <label>
            <span class="field-label">{t('admin.common.password')}</span>
            <input name="password" type="password" autoComplete="new-password" value={password} onInput={(event) => setPassword(event.currentTarget.value)} {...invalidProps(fields, 'password')} />
          </label>
          <p class="field-hint">{t('admin.operators.passwordHint')}</p>
          <FieldError fields={fields} path="password" />
        </div>
        <ScopeFields draft={scope} fields={fields} onChange={setScope} />
      </div>
      {failure && Object.keys(fields).some((path) => !SHOWN_FIELDS.includes(path)) ? <ErrorNotice error={failure} compact /> : failure && Object.keys(fields).length === 0 && <ErrorNotice error={failure} compact />}
      <div class="action-buttons">
        <button type="submit" class="button button-primary">
          {t('admin.operators.create')}
        </button>
      </div>
      <div role="status" aria-live="polite">
        {done && <p class="action-status">{done}</p>}
      </div>
    </form>
  );
}
