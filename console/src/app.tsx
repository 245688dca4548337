import type { JSX } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { Empty } from './components/states';
import { HealthBanner, HealthIndicator, useHealth } from './components/health-status';
import { KeyboardHelp, useGlobalShortcuts } from './components/keyboard';
import { LiveIndicator } from './components/live-indicator';
import { timeZoneLabel } from './format/time';
import { Link, matchPath, useLocation } from './router';
import { DeadLettersView } from './views/dead-letters-view';
import { DeviceView } from './views/device-view';
import { FleetView } from './views/fleet-view';
import { SystemView } from './views/system-view';
import { Page } from './components/page';

interface Route {
  readonly pattern: string;
  readonly render: (params: Record<string, string>) => JSX.Element;
}

const ROUTES: readonly Route[] = [
  { pattern: '/', render: () => <FleetView /> },
  { pattern: '/fleet', render: () => <FleetView /> },
  { pattern: '/devices/:id', render: (params) => <DeviceView id={params.id} key={params.id} /> },
  { pattern: '/dead-letters', render: () => <DeadLettersView /> },
  { pattern: '/system', render: () => <SystemView /> },
];

export const NAV = [
  { href: '/fleet', label: 'Fleet', key: 'f', match: ['/', '/fleet', '/devices/'] },
  { href: '/dead-letters', label: 'Refused', key: 'd', match: ['/dead-letters'] },
  { href: '/system', label: 'System', key: 's', match: ['/system'] },
] as const;

export function App(): JSX.Element {
  const { path } = useLocation();
  const help = useRef<HTMLDialogElement>(null);
  const health = useHealth();
  useGlobalShortcuts(() => help.current?.showModal());
  const first = useRef(true);
  useEffect(() => {
    // After navigating, move focus to the new page's heading so keyboard and screen-reader users start there.
    if (first.current) {
      first.current = false;
      return;
    }
    document.getElementById('page-title')?.focus({ preventScroll: false });
  }, [path]);

  const route = ROUTES.map((candidate) => ({ candidate, params: matchPath(candidate.pattern, path) })).find(({ params }) => params !== null);
  return (
    <>
      <a class="skip-link" href="#main" onClick={(event) => (event.preventDefault(), document.getElementById('page-title')?.focus())}>
        Skip to content
      </a>
      <header class="topbar">
        <Link href="/" class="brand">
          <img src="/favicon.svg" alt="" width={24} height={24} />
          <span>County Sensing Hub</span>
        </Link>
        <nav aria-label="Main">
          <ul class="nav">
            {NAV.map((item) => {
              const current = item.match.some((prefix) => (prefix.endsWith('/') && prefix !== '/' ? path.startsWith(prefix) : path === prefix));
              return (
                <li key={item.href}>
                  <Link href={item.href} aria-current={current ? 'page' : undefined} aria-keyshortcuts={`g ${item.key}`}>
                    {item.label}
                  </Link>
                </li>
              );
            })}
          </ul>
        </nav>
        <div class="topbar-status">
          <HealthIndicator health={health} />
          <LiveIndicator />
          <span class="timezone" title="All times are shown in this time zone">
            {timeZoneLabel()}
          </span>
          <button type="button" class="button button-ghost button-small" onClick={() => help.current?.showModal()} aria-keyshortcuts="?">
            Keys
          </button>
        </div>
      </header>
      <HealthBanner health={health} />
      <main id="main">
        {route ? (
          route.candidate.render(route.params!)
        ) : (
          <Page title="Page not found">
            <Empty title={`Nothing lives at ${path}`}>
              <Link href="/">Go to the start page</Link>
            </Empty>
          </Page>
        )}
      </main>
      <KeyboardHelp dialog={help} />
    </>
  );
}
