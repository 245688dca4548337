import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { hubApi } from '../api/hub-api';
import { ApiError } from '../api/http';
import { useMe } from '../auth/session';
import { FieldError, invalidProps } from '../components/field-error';
import { Page } from '../components/page';
import { ErrorNotice } from '../components/states';
import { Time } from '../components/time';
import { LanguageSwitch, rememberPreferences } from '../components/language-switch';
import { describeScope } from '../format/scope';
import { browserTimeZone, chooseTimeZone, countyTimeZone, timeZoneChoice, type ZoneChoice } from '../format/time';
import { t } from '../i18n/i18n';
import { PersonalNotifications } from './personal-notifications';

/** Who is signed in, what they may do and see, when the session ends; their own alert notifications; their password. */
export function AccountView(): JSX.Element {
  const me = useMe();
  return (
    <Page title={t('account.title')}>
      <section class="card" aria-labelledby="me-title">
        <h2 class="card-title" id="me-title">
          {me.name}
        </h2>
        <dl class="detail-grid">
          <div>
            <dt>{t('account.role')}</dt>
            <dd data-field="role">{t(`shell.role.${me.role}`)}</dd>
          </div>
          <div>
            <dt>{t('account.sees')}</dt>
            <dd data-field="scope">{describeScope(me)}</dd>
          </div>
          {me.session && (
            <div>
              <dt>{t('account.signedInUntil')}</dt>
              <dd>
                <Time value={me.session.expiresAt} mode="full" /> <span class="muted small">{t('account.soonerIdle')}</span>
              </dd>
            </div>
          )}
        </dl>
      </section>
      <DisplaySettings />
      {me.kind === 'operator' && <PersonalNotifications />}
      {me.kind === 'operator' && <PasswordChange />}
    </Page>
  );
}

/** The console's language and the clock it shows times in: the county's, or this computer's. */
function DisplaySettings(): JSX.Element {
  const county = countyTimeZone();
  const browser = browserTimeZone();
  return (
    <section class="card" aria-labelledby="display-title">
      <h2 class="card-title" id="display-title">
        {t('account.display.title')}
      </h2>
      <div class="form-grid">
        <div class="field">
          <span class="field-label">{t('shell.language')}</span>
          <LanguageSwitch remember />
        </div>
        <div class="field">
          <label>
            <span class="field-label">{t('time.zoneChoice')}</span>
            <select name="timeZone" value={timeZoneChoice()} onChange={(event) => (chooseTimeZone(event.currentTarget.value as ZoneChoice), void rememberPreferences())}>
              <option value="county">{t('time.zoneCounty', { zone: county })}</option>
              <option value="browser">{t('time.zoneBrowser', { zone: browser })}</option>
            </select>
          </label>
        </div>
      </div>
    </section>
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
      setDone(t('account.password.done'));
    } catch (error) {
      const problem = error instanceof Error ? error : new Error(String(error));
      setFailure(problem);
      if (problem instanceof ApiError) setFields(problem.fields);
    }
  };
  return (
    <form class="card password-form" onSubmit={(event) => void submit(event)} noValidate aria-labelledby="password-title">
      <h2 class="card-title" id="password-title">
        {t('account.password.title')}
      </h2>
      <div class="form-grid">
        <div class="field">
          <label>
            <span class="field-label">{t('account.password.current')}</span>
            <input name="currentPassword" type="password" autoComplete="current-password" value={current} onInput={(event) => setCurrent(event.currentTarget.value)} {...invalidProps(fields, 'currentPassword')} />
          </label>
          <FieldError fields={fields} path="currentPassword" />
        </div>
        <div class="field">
          <label>
            <span class="field-label">{t('account.password.new')}</span>
            <input name="newPassword" type="password" autoComplete="new-password" value={next} onInput={(event) => setNext(event.currentTarget.value)} {...invalidProps(fields, 'newPassword')} />
          </label>
          <p class="field-hint">{t('account.password.hint')}</p>
          <FieldError fields={fields} path="newPassword" />
        </div>
      </div>
      {failure && Object.keys(fields).length === 0 && <ErrorNotice error={failure} compact />}
      <div class="action-buttons">
        <button type="submit" class="button button-primary">
          {t('account.password.submit')}
        </button>
      </div>
      <div role="status" aria-live="polite">
        {done && <p class="action-status">{done}</p>}
      </div>
    </form>
  );
}
