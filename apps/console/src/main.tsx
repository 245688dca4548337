import { render, type JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { App } from './app';
import { session, useSession } from './auth/session';
import { ErrorNotice, Loading } from './components/states';
import { onTimeZoneChange, setCountyTimeZone } from './format/time';
import { initialLanguage, loadLanguage, onLanguageChange, t } from './i18n/i18n';
import { liveFeed } from './live/live-feed';
import { LoginView } from './views/login-view';
import './styles.css';

liveFeed.onClosed(() => void session.recheck());

/** Sign-in first: the console (and its live feed) only for a logged-in operator. */
function Root(): JSX.Element {
  const state = useSession();
  // A new language or time zone redraws everything in it (what was typed in an open form is lost, as on a reload).
  const [display, setDisplay] = useState(0);
  useEffect(() => {
    const redraw = (): void => setDisplay((count) => count + 1);
    const stopLanguage = onLanguageChange(redraw);
    const stopZone = onTimeZoneChange(redraw);
    return () => (stopLanguage(), stopZone());
  }, []);
  const [failure, setFailure] = useState<Error | undefined>();
  const check = (): void => {
    setFailure(undefined);
    session.check().catch((error: unknown) => setFailure(error instanceof Error ? error : new Error(String(error))));
  };
  useEffect(check, []);
  useEffect(() => {
    if (state.status === 'signed-in') liveFeed.start();
    else liveFeed.stop();
  }, [state.status]);

  if (state.status === 'signed-in') {
    setCountyTimeZone(state.me.countyTimeZone);
    return <App key={`${state.me.name}|${display}`} />;
  }
  if (state.status === 'signed-out') return <LoginView key={display} reason={state.reason} />;
  return <main id="main">{failure ? <ErrorNotice error={failure} onRetry={check} /> : <Loading what={t('shell.loadingConsole')} />}</main>;
}

// The words first: the catalogue of the operator's language (English if it cannot be fetched), then the console.
void loadLanguage(initialLanguage())
  .catch(() => loadLanguage('en'))
  .catch(() => undefined)
  .finally(() => render(<Root />, document.getElementById('app')!));
