import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { hubApi } from '../api/hub-api';
import { ApiError } from '../api/http';
import { useMe } from '../auth/session';
import { FieldError, invalidProps } from '../components/field-error';
import { Page } from '../components/page';
import { ErrorNotice } from '../components/states';
import { Time } from '../components/time';
import { describeScope } from '../format/scope';
import { PersonalNotifications } from './personal-notifications';

/** Who is signed in, what they may do and see, when the session ends; their own alert notifications; their password. */
export function AccountView(): JSX.Element {
  const me = useMe();
  return (
    <Page title="Your account">
      <section class="card" aria-labelledby="me-title">
        <h2 class="card-title" id="me-title">
          {me.name}
        </h2>
        <dl class="detail-grid">
          <div>
            <dt>Role</dt>
            <dd data-field="role">{me.role}</dd>
          </div>
          <div>
            <dt>Sees</dt>
            <dd data-field="scope">{describeScope(me)}</dd>
          </div>
          {me.session && (
            <div>
              <dt>Signed in until</dt>
              <dd>
                <Time value={me.session.expiresAt} mode="full" /> <span class="muted small">(sooner after an hour without use)</span>
              </dd>
            </div>
          )}
        </dl>
      </section>
      {me.kind === 'operator' && <PersonalNotifications />}
      {me.kind === 'operator' && <PasswordChange />}
    </Page>
  );
}

function PasswordChange(): JSX.Element {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [fields, setFields] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<Error | undefined>();
  const [done, setDone] = useState('');
  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    setFields({});
    setFailure(undefined);
    setDone('');
    try {
      await hubApi.changePassword(current, next);
      setCurrent('');
      setNext('');
      setDone('Password changed. Your other sessions have been signed out.');
    } catch (error) {
      const problem = error instanceof Error ? error : new Error(String(error));
      setFailure(problem);
      if (problem instanceof ApiError) setFields(problem.fields);
    }
  };
  return (
    <form class="card password-form" onSubmit={(event) => void submit(event)} noValidate aria-labelledby="password-title">
      <h2 class="card-title" id="password-title">
        Change your password
      </h2>
      <div class="form-grid">
        <div class="field">
          <label>
            <span class="field-label">Current password</span>
            <input name="currentPassword" type="password" autoComplete="current-password" value={current} onInput={(event) => setCurrent(event.currentTarget.value)} {...invalidProps(fields, 'currentPassword')} />
          </label>
          <FieldError fields={fields} path="currentPassword" />
        </div>
        <div class="field">
          <label>
            <span class="field-label">New password</span>
            <input name="newPassword" type="password" autoComplete="new-password" value={next} onInput={(event) => setNext(event.currentTarget.value)} {...invalidProps(fields, 'newPassword')} />
          </label>
          <p class="field-hint">at least 12 characters; a few words work well</p>
          <FieldError fields={fields} path="newPassword" />
        </div>
      </div>
      {failure && Object.keys(fields).length === 0 && <ErrorNotice error={failure} compact />}
      <div class="action-buttons">
        <button type="submit" class="button button-primary">
          Change password
        </button>
      </div>
      <div role="status" aria-live="polite">
        {done && <p class="action-status">{done}</p>}
      </div>
    </form>
  );
}
