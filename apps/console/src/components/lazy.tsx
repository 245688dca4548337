import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ErrorNotice, Loading } from './states';

/**
 * A page whose code is fetched the first time it is shown, so that what every operator loads at sign-in (the inbox,
 * the fleet) stays small on a county office link while the admin pages grow. The module is fetched once; a failed
 * fetch (the link dropped) is shown with a retry rather than a blank page.
 */
export function lazyPage<P extends object>(what: () => string, load: () => Promise<(props: P) => JSX.Element>): (props: P) => JSX.Element {
  let loaded: ((props: P) => JSX.Element) | undefined;
  let loading: Promise<(props: P) => JSX.Element> | undefined;
  const fetchOnce = (): Promise<(props: P) => JSX.Element> => {
    loading ??= load().then(
      (component) => (loaded = component),
      (error: unknown) => {
        loading = undefined;
        throw error;
      },
    );
    return loading;
  };
  return function LazyPage(props: P): JSX.Element {
    const [, setReady] = useState(loaded !== undefined);
    const [error, setError] = useState<Error | undefined>(undefined);
    const [attempt, setAttempt] = useState(0);
    useEffect(() => {
      if (loaded) return;
      let live = true;
      fetchOnce().then(
        () => live && setReady(true),
        (failure: unknown) => live && setError(failure instanceof Error ? failure : new Error(String(failure))),
      );
      return () => void (live = false);
    }, [attempt]);
    if (loaded) {
      const Page = loaded;
      return <Page {...props} />;
    }
    if (error) return <ErrorNotice error={error} onRetry={() => (setError(undefined), setAttempt((n) => n + 1))} />;
    return <Loading what={what()} />;
  };
}
