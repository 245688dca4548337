import { render, type JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { App } from './app';
import { session, useSession } from './auth/session';
import { ErrorNotice, Loading } from './components/states';
import { liveFeed } from './live/live-feed';
import { LoginView } from './views/login-view';
import './styles.css';

liveFeed.onClosed(() => void session.recheck());

/** Sign-in first: the console (and its live feed) only for a logged-in operator. */
function Root(): JSX.Element {
  const state = useSession();
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

  if (state.status === 'signed-in') return <App key={state.me.name} />;
  if (state.status === 'signed-out') return <LoginView reason={state.reason} />;
  return <main id="main">{failure ? <ErrorNotice error={failure} onRetry={check} /> : <Loading what="the console" />}</main>;
}

render(<Root />, document.getElementById('app')!);
