import type { JSX } from 'preact';
import { useMe } from '../auth/session';
import { Page } from '../components/page';
import { Empty } from '../components/states';
import { Link } from '../router';
import { ApiKeysAdmin } from './admin/api-keys-admin';
import { AuditLogView } from './admin/audit-log-view';
import { CatalogueAdmin } from './admin/catalogue-admin';
import { ContactPointsAdmin } from './admin/contact-points-admin';
import { DeviceProfilesAdmin } from './admin/device-profiles-admin';
import { NetworkServersAdmin } from './admin/network-servers-admin';
import { NotificationPolicyAdmin } from './admin/notification-policy-admin';
import { NotificationTemplatesAdmin } from './admin/notification-templates-admin';
import { OperatorsAdmin } from './admin/operators-admin';

export type AdminSection = 'operators' | 'api-keys' | 'catalogue' | 'device-profiles' | 'network-servers' | 'contact-points' | 'notification-policies' | 'message-templates' | 'audit';

/** countyWide: shared by every town, so only an admin of the whole county sees it (the hub refuses others' changes). */
const SECTIONS: ReadonlyArray<{ section: AdminSection; href: string; label: string; countyWide?: boolean }> = [
  { section: 'operators', href: '/admin/operators', label: 'Operators' },
  { section: 'api-keys', href: '/admin/api-keys', label: 'API keys' },
  { section: 'catalogue', href: '/admin/catalogue', label: 'Catalogue' },
  { section: 'device-profiles', href: '/admin/device-profiles', label: 'Device profiles', countyWide: true },
  { section: 'network-servers', href: '/admin/network-servers', label: 'Network servers', countyWide: true },
  { section: 'contact-points', href: '/admin/contact-points', label: 'Contact points', countyWide: true },
  { section: 'notification-policies', href: '/admin/notification-policies', label: 'Notification policy', countyWide: true },
  { section: 'message-templates', href: '/admin/message-templates', label: 'Message templates', countyWide: true },
  { section: 'audit', href: '/admin/audit', label: 'Audit log' },
];

/** Who may do what: operators, API keys for systems, and the audit log of every change. Admins only. */
export function AdminView(props: { section: AdminSection }): JSX.Element {
  const me = useMe();
  const title = SECTIONS.find((entry) => entry.section === props.section)?.label ?? 'Admin';
  if (me.role !== 'admin') {
    return (
      <Page title={title}>
        <Empty title="Admins only">Operators, API keys, the metric catalogue and the audit log are managed by the county’s admins.</Empty>
      </Page>
    );
  }
  const countyWide = me.towns.length === 0 && me.domains.length === 0;
  return (
    <Page title={title} subtitle="Who may see and do what, what the hub measures, and who did what when" wide>
      <nav aria-label="Admin" class="segmented admin-tabs">
        {SECTIONS.filter((entry) => countyWide || !entry.countyWide).map((entry) => (
          <Link key={entry.section} href={entry.href} class={entry.section === props.section ? 'selected' : undefined} aria-current={entry.section === props.section ? 'page' : undefined}>
            {entry.label}
          </Link>
        ))}
      </nav>
      {props.section === 'operators' && <OperatorsAdmin />}
      {props.section === 'api-keys' && <ApiKeysAdmin />}
      {props.section === 'catalogue' && <CatalogueAdmin />}
      {props.section === 'device-profiles' &&
        (countyWide ? <DeviceProfilesAdmin /> : <Empty title="County-wide admins only">Device profiles are shared by every town, so only an admin of the whole county keeps them.</Empty>)}
      {props.section === 'network-servers' &&
        (countyWide ? (
          <NetworkServersAdmin />
        ) : (
          <Empty title="County-wide admins only">A network server carries every town’s devices, and its credentials read all of them, so only an admin of the whole county manages it.</Empty>
        ))}
      {props.section === 'contact-points' &&
        (countyWide ? <ContactPointsAdmin /> : <Empty title="County-wide admins only">A contact point reaches people in every town, so only an admin of the whole county manages it.</Empty>)}
      {props.section === 'notification-policies' &&
        (countyWide ? (
          <NotificationPolicyAdmin />
        ) : (
          <Empty title="County-wide admins only">The notification policy routes the alerts of every town and domain, so only an admin of the whole county keeps it.</Empty>
        ))}
      {props.section === 'message-templates' &&
        (countyWide ? <NotificationTemplatesAdmin /> : <Empty title="County-wide admins only">Message templates write every town’s alert messages, so only an admin of the whole county changes them.</Empty>)}
      {props.section === 'audit' && <AuditLogView />}
    </Page>
  );
}
