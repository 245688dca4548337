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
          Operators
        </h2>
        {rowError && <ErrorNotice error={rowError} compact />}
        <div role="status" aria-live="polite">
          {done && <p class="action-status">{done}</p>}
        </div>
        {operators.loading && <Loading what="operators" />}
        {!operators.data && operators.error && <ErrorNotice error={operators.error} onRetry={operators.reload} />}
        {operators.data && (
          <div class="table-scroll">
            <table class="table operators-table">
              <thead>
                <tr>
                  <th scope="col">Operator</th>
                  <th scope="col">Role</th>
                  <th scope="col">Sees</th>
                  <th scope="col" class="col-optional">
                    Created
                  </th>
                  <th scope="col">
                    <span class="visually-hidden">Actions</span>
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
          {operator.disabled ? 'disabled' : operator.sessions > 0 ? `signed in (${operator.sessions} session${operator.sessions === 1 ? '' : 's'})` : 'not signed in'}
        </div>
      </th>
      <td>
        <select
          name="role"
          aria-label={`Role of ${operator.username}`}
          value={operator.role}
          disabled={self}
          onChange={(event) => void act(() => hubApi.updateOperator(operator.username, { role: event.currentTarget.value }), `${operator.username} is now ${event.currentTarget.value}.`)}
        >
          {(['viewer', 'operator', 'admin'] as Role[]).map((role) => (
            <option value={role} key={role}>
              {role}
            </option>
          ))}
        </select>
      </td>
      <td>{describeScope(operator)}</td>
      <td class="col-optional">
        <Time value={operator.createdAt} /> <span class="muted small">by {operator.createdBy}</span>
      </td>
      <td class="row-actions">
        {resetting ? (
          <form
            class="inline-form"
            onSubmit={(event) => {
              event.preventDefault();
              void act(() => hubApi.updateOperator(operator.username, { password }), `New password set for ${operator.username}; their sessions have ended.`).then((succeeded) => {
                if (!succeeded) return;
                setResetting(false);
                setPassword('');
              });
            }}
          >
            <input type="password" name="new-password" aria-label={`New password for ${operator.username}`} autoComplete="new-password" value={password} onInput={(event) => setPassword(event.currentTarget.value)} />{' '}
            <button type="submit" class="button button-small button-primary">
              Set
            </button>{' '}
            <button type="button" class="button button-small" onClick={() => setResetting(false)}>
              Cancel
            </button>
          </form>
        ) : (
          <>
            <button type="button" class="button button-small" onClick={() => setResetting(true)}>
              Reset password…
            </button>{' '}
            {!self && (
              <button
                type="button"
                class="button button-small"
                onClick={() =>
                  void act(
                    () => hubApi.updateOperator(operator.username, { disabled: !operator.disabled }),
                    operator.disabled ? `${operator.username} is enabled again.` : `${operator.username} is disabled and signed out everywhere.`,
                  )
                }
              >
                {operator.disabled ? 'Enable' : 'Disable'}
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
      setDone(`${created.username} can now sign in (${created.role}, sees ${describeScope(created)}). Give them the password in person.`);
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
        New operator
      </h2>
      <div class="form-grid">
        <div class="field">
          <label>
            <span class="field-label">Username</span>
            <input name="username" autoComplete="off" autoCapitalize="none" value={username} onInput={(event) => setUsername(event.currentTarget.value)} {...invalidProps(fields, 'username')} />
          </label>
          <p class="field-hint">e.g. dana.ortiz (lower-case)</p>
          <FieldError fields={fields} path="username" />
        </div>
        <div class="field">
          <label>
            <span class="field-label">Password</span>
            <input name="password" type="password" autoComplete="new-password" value={password} onInput={(event) => setPassword(event.currentTarget.value)} {...invalidProps(fields, 'password')} />
          </label>
          <p class="field-hint">at least 12 characters; a few words work well</p>
          <FieldError fields={fields} path="password" />
        </div>
        <ScopeFields draft={scope} fields={fields} onChange={setScope} />
      </div>
      {failure && Object.keys(fields).some((path) => !SHOWN_FIELDS.includes(path)) ? <ErrorNotice error={failure} compact /> : failure && Object.keys(fields).length === 0 && <ErrorNotice error={failure} compact />}
      <div class="action-buttons">
        <button type="submit" class="button button-primary">
          Create operator
        </button>
      </div>
      <div role="status" aria-live="polite">
        {done && <p class="action-status">{done}</p>}
      </div>
    </form>
  );
}
