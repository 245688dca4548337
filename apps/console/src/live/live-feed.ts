import { useEffect, useRef, useState } from 'preact/hooks';

export type LiveStatus = 'connecting' | 'live' | 'reconnecting';

type Handler = (data: unknown) => void;

/** How long to wait before opening a new stream when the browser gave up on the old one (e.g. the hub answered 503). */
const REOPEN_MS = 5000;

/**
 * The hub's server-sent events (`/api/events`), one connection for the whole console. EventSource reconnects by
 * itself; every `hello` (first connect and each reconnect) makes views reload, which covers what was missed.
 */
class LiveFeed {
  private source: EventSource | null = null;
  private current: LiveStatus = 'connecting';
  private readonly statusListeners = new Set<(status: LiveStatus) => void>();
  private readonly handlers = new Map<string, Set<Handler>>();
  private reopenTimer: ReturnType<typeof setTimeout> | undefined;
  private closedListener: () => void = () => undefined;

  get status(): LiveStatus {
    return this.current;
  }

  start(): void {
    if (this.source !== null) return;
    const source = new EventSource('/api/events');
    this.source = source;
    source.addEventListener('hello', () => this.setStatus('live'));
    source.onerror = () => {
      this.setStatus('reconnecting');
      if (source.readyState === EventSource.CLOSED) {
        // The hub refused the stream (e.g. 401: the session ended): let the console find out why, then retry.
        this.closedListener();
        this.source = null;
        clearTimeout(this.reopenTimer);
        this.reopenTimer = setTimeout(() => this.start(), REOPEN_MS);
      }
    };
    for (const type of this.handlers.keys()) this.listen(type);
  }

  /** Closes the stream (logging out) until start() is called again. */
  stop(): void {
    clearTimeout(this.reopenTimer);
    this.source?.close();
    this.source = null;
    this.setStatus('connecting');
  }

  /** Called whenever the browser gives up on the stream (the hub refused or closed it for good). */
  onClosed(listener: () => void): void {
    this.closedListener = listener;
  }

  /** Subscribes to one event type; returns the unsubscribe function. */
  on(type: string, handler: Handler): () => void {
    let set = this.handlers.get(type);
    if (set === undefined) {
      this.handlers.set(type, (set = new Set()));
      this.listen(type);
    }
    set.add(handler);
    return () => void set.delete(handler);
  }

  onStatus(listener: (status: LiveStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => void this.statusListeners.delete(listener);
  }

  private listen(type: string): void {
    this.source?.addEventListener(type, (event) => {
      let data: unknown;
      try {
        data = JSON.parse((event as MessageEvent<string>).data);
      } catch {
        return;
      }
      for (const handler of this.handlers.get(type) ?? []) handler(data);
    });
  }

  private setStatus(status: LiveStatus): void {
    if (status === this.current) return;
    this.current = status;
    for (const listener of this.statusListeners) listener(status);
  }
}

export const liveFeed = new LiveFeed();

export function useLiveStatus(): LiveStatus {
  const [status, setStatus] = useState(liveFeed.status);
  useEffect(() => liveFeed.onStatus(setStatus), []);
  return status;
}

/** Calls the latest `handler` for each event of the given types while the component is mounted. */
export function useLiveEvent(types: readonly string[], handler: (type: string, data: unknown) => void): void {
  const latest = useRef(handler);
  latest.current = handler;
  const key = types.join(',');
  useEffect(() => {
    const offs = types.map((type) => liveFeed.on(type, (data) => latest.current(type, data)));
    return () => offs.forEach((off) => off());
    // Depends on `key`, not `types`: callers pass a new array each render, the subscription follows its contents.
  }, [key]);
}
