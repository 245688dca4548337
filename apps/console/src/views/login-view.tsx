import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../api/http';
import { session } from '../auth/session';
import { LanguageSwitch } from '../components/language-switch';
import { setOpenAlertCount, setPageTitle } from '../document-title';
import { type MessageId, t } from '../i18n/i18n';

const REASON_TEXT = {
  none: null,
  expired: 'login.expired',
  'logged-out': 'login.loggedOut',
} as const satisfies Record<string, MessageId | null>;

/**
 * Sign in. Shown in place of whatever page was asked for, so after signing in the operator is back where they were
 * (the URL never changes). The hub's answer for a wrong password and an unknown user is the same, and so is this.
 */
export function LoginView(props: { reason: keyof typeof REASON_TEXT }): JSX.Element {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | undefined>();
  const usernameField = useRef<HTMLInputElement>(null);
  const passwordField = useRef<HTMLInputElement>(null);
  useEffect(() => {
    // Nothing of the hub's state is shown to someone signed out, not even the count in the tab title.
    setOpenAlertCount(0);
    setPageTitle(t('login.title'));
    usernameField.current?.focus();
  }, []);

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    if (username.trim() === '' || password === '') {
      setProblem(t('login.missing'));
      (username.trim() === '' ? usernameField : passwordField).current?.focus();
      return;
    }
    setBusy(true);
    setProblem(undefined);
    try {
      await session.login(username, password);
    } catch (error) {
      setPassword('');
      setProblem(loginProblem(error));
      passwordField.current?.focus();
      setBusy(false);
    }
  };

  const notice = REASON_TEXT[props.reason];
  return (
    <main id="main" class="login-page">
      <form class="card login-card" onSubmit={(event) => void submit(event)} noValidate aria-labelledby="login-title">
        <div class="login-brand">
          <img src="/favicon.svg" alt="" width={32} height={32} />
          <h1 id="login-title">{t('shell.brand')}</h1>
          <LanguageSwitch />
        </div>
        {notice && (
          <p class="notice notice-compact login-reason" role="status">
            {t(notice)}
          </p>
        )}
        <label class="field">
          <span class="field-label">{t('login.username')}</span>
          <input ref={usernameField} name="username" autoComplete="username" autoCapitalize="none" spellcheck={false} value={username} onInput={(event) => setUsername(event.currentTarget.value)} />
        </label>
        <label class="field">
          <span class="field-label">{t('login.password')}</span>
          <input ref={passwordField} name="password" type="password" autoComplete="current-password" value={password} onInput={(event) => setPassword(event.currentTarget.value)} />
        </label>
        <div role="alert" class="login-error">
          {problem && <p class="field-error">{problem}</p>}
        </div>
        <button type="submit" class="button button-primary login-submit" disabled={busy}>
          {busy ? t('login.signingIn') : t('login.signIn')}
        </button>
        <p class="muted small">{t('login.help')}</p>
      </form>
    </main>
  );
}

function loginProblem(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 401) return t('login.wrong');
    if (error.status === 429) return t('login.throttled', { message: error.message });
    if (error.unreachable) return error.message;
    return t('login.refused', { status: error.status, message: error.message });
  }
  return error instanceof Error ? error.message : String(error);
}
