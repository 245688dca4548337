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
import { ReportsView } from './views/reports-view';
import { Page } from './components/page';
import { hubApi } from './api/hub-api';
import { setOpenAlertCount } from './document-title';
import { useResource } from './hooks/use-resource';
import { InboxView } from './views/inbox-view';
import { OverviewView } from './views/overview-view';
import { TownView } from './views/town-view';
import { RuleEditView, RulesView } from './views/rules-view';
import { SilencesView } from './views/silences-view';
import { AccountView } from './views/account-view';
import { hasRole, session, useMe } from './auth/session';
import { lazyPage } from './components/lazy';
import { LanguageSwitch } from './components/language-switch';
import { type MessageId, t } from './i18n/i18n';
import type { AdminSection } from './views/admin-view';

/** The map and its library (Leaflet: 194 kB, 55 kB gzipped, and 7 kB of CSS gzipped) load the first time someone opens it. */
const MapView = lazyPage<Record<string, never>>(() => t('map.loading'), () => import('./views/map-view').then((module) => module.MapView));

/** The admin pages are the largest part of the console and only admins open them: fetched on first use. */
const AdminView = lazyPage<{ section: AdminSection }>(() => t('shell.loadingAdmin'), () => import('./views/admin-view').then((module) => module.AdminView));

interface Route {
  readonly pattern: string;
  readonly render: (params: Record<string, string>) => JSX.Element;
}

const ROUTES: readonly Route[] = [
  { pattern: '/', render: () => <InboxView /> },
  { pattern: '/alerts', render: () => <InboxView /> },
  { pattern: '/alerts/:id', render: (params) => <InboxView selectedId={/^\d+$/.test(params.id) ? Number(params.id) : undefined} /> },
  { pattern: '/overview', render: () => <OverviewView /> },
  { pattern: '/areas/:town', render: (params) => <TownView town={params.town} key={params.town} /> },
  { pattern: '/fleet', render: () => <FleetView /> },
  { pattern: '/map', render: () => <MapView /> },
  { pattern: '/devices/:id', render: (params) => <DeviceView id={params.id} key={params.id} /> },
  { pattern: '/dead-letters', render: () => <DeadLettersView /> },
  { pattern: '/rules', render: () => <RulesView /> },
  { pattern: '/rules/new', render: () => <RuleEditView key="new" /> },
  { pattern: '/rules/:id', render: (params) => <RuleEditView id={params.id} key={params.id} /> },
  { pattern: '/silences', render: () => <SilencesView /> },
  { pattern: '/system', render: () => <SystemView /> },
  { pattern: '/reports', render: () => <ReportsView /> },
  { pattern: '/account', render: () => <AccountView /> },
  { pattern: '/admin', render: () => <AdminView section="operators" /> },
  { pattern: '/admin/operators', render: () => <AdminView section="operators" /> },
  { pattern: '/admin/api-keys', render: () => <AdminView section="api-keys" /> },
  { pattern: '/admin/areas', render: () => <AdminView section="areas" /> },
  { pattern: '/admin/catalogue', render: () => <AdminView section="catalogue" /> },
  { pattern: '/admin/device-profiles', render: () => <AdminView section="device-profiles" /> },
  { pattern: '/admin/network-servers', render: () => <AdminView section="network-servers" /> },
  { pattern: '/admin/contact-points', render: () => <AdminView section="contact-points" /> },
  { pattern: '/admin/notification-policies', render: () => <AdminView section="notification-policies" /> },
  { pattern: '/admin/message-templates', render: () => <AdminView section="message-templates" /> },
  { pattern: '/admin/standards', render: () => <AdminView section="standards" /> },
  { pattern: '/admin/audit', render: () => <AdminView section="audit" /> },
];

/** The inbox's own URLs (list, one alert selected) count as one page: moving between alerts keeps focus in the list. */
const isInbox = (path: string): boolean => path === '/' || path === '/alerts' || path.startsWith('/alerts/');

export const NAV = [
  { href: '/overview', label: 'shell.nav.overview', key: 'o', match: ['/overview', '/areas/'] },
  { href: '/alerts', label: 'shell.nav.alerts', key: 'a', match: ['/', '/alerts', '/alerts/'] },
  { href: '/fleet', label: 'shell.nav.fleet', key: 'f', match: ['/fleet', '/devices/'] },
  { href: '/map', label: 'shell.nav.map', key: 'p', match: ['/map'] },
  { href: '/dead-letters', label: 'shell.nav.refused', key: 'd', match: ['/dead-letters'] },
  { href: '/rules', label: 'shell.nav.rules', key: 'r', match: ['/rules', '/rules/'] },
  { href: '/silences', label: 'shell.nav.silences', key: 'l', match: ['/silences'] },
  { href: '/reports', label: 'shell.nav.reports', key: 'e', match: ['/reports'] },
  { href: '/system', label: 'shell.nav.system', key: 's', match: ['/system'] },
  { href: '/admin', label: 'shell.nav.admin', key: 'm', match: ['/admin', '/admin/'], role: 'admin' },
] as const satisfies ReadonlyArray<{ href: string; label: MessageId; key: string; match: readonly string[]; role?: 'admin' }>;

/** Firing (not yet acknowledged) alerts: the count on the Alerts tab and in the browser tab's title. */
function useFiringCount(): number | undefined {
  const firing = useResource((signal) => hubApi.alerts({ state: 'firing', limit: 1 }, signal), [], { refreshMs: 30_000, reloadOn: ['hello', 'alert'] });
  const count = firing.data?.matching;
  useEffect(() => setOpenAlertCount(count ?? 0), [count]);
  return count;
}

export function App(): JSX.Element {
  const { path } = useLocation();
  const me = useMe();
  const help = useRef<HTMLDialogElement>(null);
  const health = useHealth();
  const firing = useFiringCount();
  useGlobalShortcuts(() => help.current?.showModal());
  const previous = useRef<string | null>(null);
  useEffect(() => {
    // After navigating, move focus to the new page's heading so keyboard and screen-reader users start there.
    const from = previous.current;
    previous.current = path;
    if (from === null || (isInbox(from) && isInbox(path))) return;
    document.getElementById('page-title')?.focus({ preventScroll: false });
  }, [path]);

  const route = ROUTES.map((candidate) => ({ candidate, params: matchPath(candidate.pattern, path) })).find(({ params }) => params !== null);
  return (
    <>
      <a class="skip-link" href="#main" onClick={(event) => (event.preventDefault(), document.getElementById('page-title')?.focus())}>
        {t('shell.skipToContent')}
      </a>
      <header class="topbar">
        <Link href="/" class="brand">
          <img src="/favicon.svg" alt="" width={24} height={24} />
          <span>{t('shell.brand')}</span>
        </Link>
        <nav aria-label={t('shell.nav.main')}>
          <ul class="nav">
            {NAV.filter((item) => !('role' in item) || hasRole(me, item.role)).map((item) => {
              const current = item.match.some((prefix: string) => (prefix.endsWith('/') && prefix !== '/' ? path.startsWith(prefix) : path === prefix));
              return (
                <li key={item.href}>
                  <Link href={item.href} aria-current={current ? 'page' : undefined} aria-keyshortcuts={`g ${item.key}`}>
                    {t(item.label)}
                    {item.href === '/alerts' && firing !== undefined && firing > 0 && (
                      <span class="nav-count" data-firing-count={firing} aria-label={t('shell.firingCount', { count: firing })}>
                        {firing}
                      </span>
                    )}
                  </Link>
                </li>
              );
            })}
          </ul>
        </nav>
        <div class="topbar-status">
          <HealthIndicator health={health} />
          <LiveIndicator />
          <span class="timezone" title={t('shell.timeZoneTitle')}>
            {timeZoneLabel()}
          </span>
          <LanguageSwitch remember />
          <button type="button" class="button button-ghost button-small" onClick={() => help.current?.showModal()} aria-keyshortcuts="?">
            {t('shell.keys')}
          </button>
          <span class="signed-in" data-me={me.name} data-role={me.role}>
            <Link href="/account" class="signed-in-name" title={t('shell.accountTitle')}>
              {me.name}
            </Link>{' '}
            <span class="role-badge">{t(`shell.role.${me.role}`)}</span>
          </span>
          <button type="button" class="button button-small" onClick={() => void session.logout()}>
            {t('shell.logOut')}
          </button>
        </div>
      </header>
      <HealthBanner health={health} />
      <main id="main">
        {route ? (
          route.candidate.render(route.params!)
        ) : (
          <Page title={t('shell.notFound.title')}>
            <Empty title={t('shell.notFound.nothingAt', { path })}>
              <Link href="/">{t('shell.notFound.goHome')}</Link>
            </Empty>
          </Page>
        )}
      </main>
      <KeyboardHelp dialog={help} />
    </>
  );
}
