import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { matchPath } from './route-match';

/**
 * A few lines of history routing: real URLs (/devices/gas-3, /alerts?severity=critical) that can be bookmarked, shared
 * in a shift hand-over and reloaded; the hub answers every page route with the app.
 */
const listeners = new Set<() => void>();
const notify = (): void => listeners.forEach((listener) => listener());
window.addEventListener('popstate', notify);

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (to === location.pathname + location.search) return;
  history[options.replace ? 'replaceState' : 'pushState'](null, '', to);
  notify();
}

export interface Location {
  readonly path: string;
  readonly search: URLSearchParams;
}

export function useLocation(): Location {
  const [, setTick] = useState(0);
  useEffect(() => {
    const listener = (): void => setTick((tick) => tick + 1);
    listeners.add(listener);
    return () => void listeners.delete(listener);
  }, []);
  return { path: location.pathname, search: new URLSearchParams(location.search) };
}

/** A query parameter as state: changing it replaces the URL (no history entry per keystroke). */
export function useQueryParam(name: string): [string, (value: string) => void] {
  const { search } = useLocation();
  const set = (value: string): void => {
    const next = new URLSearchParams(location.search);
    if (value === '') next.delete(name);
    else next.set(name, value);
    const text = next.toString();
    navigate(`${location.pathname}${text ? `?${text}` : ''}`, { replace: true });
  };
  return [search.get(name) ?? '', set];
}

export interface LinkProps {
  readonly href: string;
  readonly children: ComponentChildren;
  readonly class?: string;
  readonly title?: string;
  readonly id?: string;
  readonly 'aria-current'?: 'page';
  readonly 'aria-keyshortcuts'?: string;
  readonly 'aria-label'?: string;
  readonly onClick?: (event: MouseEvent) => void;
}

export function Link(props: LinkProps): JSX.Element {
  const { href, children, onClick, ...rest } = props;
  const follow = (event: MouseEvent): void => {
    onClick?.(event);
    // Let the browser handle new tabs and windows.
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(href);
  };
  return (
    <a href={href} onClick={follow} {...rest}>
      {children}
    </a>
  );
}

export { matchPath };
