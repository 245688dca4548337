import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { useLiveEvent } from '../live/live-feed';

export interface Resource<T> {
  /** The last good answer; kept while reloading and after a failed refresh, so the screen does not flash empty. */
  readonly data: T | undefined;
  readonly error: Error | undefined;
  /** True until the first answer (or failure) for the current inputs. */
  readonly loading: boolean;
  readonly updatedAt: number | undefined;
  reload(): void;
}

export interface ResourceOptions {
  /** Reload this often while the tab is visible. */
  readonly refreshMs?: number;
  /** Reload when one of these live events arrives (coalesced to one reload per 500 ms). */
  readonly reloadOn?: readonly string[];
}

/** Loads `load` for the given inputs; a newer request aborts the older one, so answers never arrive out of order. */
export function useResource<T>(load: (signal: AbortSignal) => Promise<T>, inputs: readonly unknown[], options: ResourceOptions = {}): Resource<T> {
  const [state, setState] = useState<{ data?: T; error?: Error; loading: boolean; updatedAt?: number }>({ loading: true });
  const latestLoad = useRef(load);
  latestLoad.current = load;
  const controller = useRef<AbortController | null>(null);
  const key = JSON.stringify(inputs);

  const run = useCallback(() => {
    controller.current?.abort();
    const current = new AbortController();
    controller.current = current;
    latestLoad.current(current.signal).then(
      (data) => {
        if (!current.signal.aborted) setState({ data, loading: false, updatedAt: Date.now() });
      },
      (error: unknown) => {
        if (current.signal.aborted) return;
        setState((previous) => ({ data: previous.data, error: error instanceof Error ? error : new Error(String(error)), loading: false, updatedAt: previous.updatedAt }));
      },
    );
  }, []);

  useEffect(() => {
    setState((previous) => ({ ...previous, data: undefined, error: undefined, loading: true }));
    run();
    return () => controller.current?.abort();
  }, [key, run]);

  useEffect(() => {
    if (options.refreshMs === undefined) return;
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') run();
    }, options.refreshMs);
    return () => clearInterval(timer);
  }, [options.refreshMs, run]);

  const pending = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useLiveEvent(options.reloadOn ?? [], () => {
    if (pending.current !== undefined) return;
    pending.current = setTimeout(() => {
      pending.current = undefined;
      run();
    }, 500);
  });
  useEffect(() => () => clearTimeout(pending.current), []);

  return { data: state.data, error: state.error, loading: state.loading, updatedAt: state.updatedAt, reload: run };
}
