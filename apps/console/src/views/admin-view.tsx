import type { JSX } from 'preact';
import { useMe } from '../auth/session';
import { Page } from '../components/page';
import { Empty } from '../components/states';
import { type MessageId, t } from '../i18n/i18n';
import { Link } from '../router';
import { ApiKeysAdmin } from './admin/api-keys-admin';
import { AreasAdmin } from './admin/areas-admin';
import { AuditLogView } from './admin/audit-log-view';
import { CatalogueAdmin } from './admin/catalogue-admin';
import { ContactPointsAdmin } from './admin/contact-points-admin';
import { DeviceProfilesAdmin } from './admin/device-profiles-admin';
import { NetworkServersAdmin } from './admin/network-servers-admin';
import { NotificationPolicyAdmin } from './admin/notification-policy-admin';
import { NotificationTemplatesAdmin } from './admin/notification-templates-admin';
import { OperatorsAdmin } from './admin/operators-admin';
import { StandardsAdmin } from './admin/standards-admin';

export type AdminSection = 'operators' | 'api-keys' | 'areas' | 'catalogue' | 'device-profiles' | 'network-servers' | 'contact-points' | 'notification-policies' | 'message-templates' | 'standards' | 'audit';

/** countyWide: shared by every town, so only an admin of the whole county sees it (the hub refuses others' changes). */
const SECTIONS: ReadonlyArray<{ section: AdminSection; href: string; label: MessageId; countyWide?: boolean }> = [
  { section: 'operators', href: '/admin/operators', label: 'admin.sections.operators' },
  { section: 'api-keys', href: '/admin/api-keys', label: 'admin.sections.apiKeys' },
  { section: 'areas', href: '/admin/areas', label: 'admin.sections.areas' },
  { section: 'catalogue', href: '/admin/catalogue', label: 'admin.sections.catalogue' },
  { section: 'device-profiles', href: '/admin/device-profiles', label: 'admin.sections.deviceProfiles', countyWide: true },
  { section: 'network-servers', href: '/admin/network-servers', label: 'admin.sections.networkServers', countyWide: true },
  { section: 'contact-points', href: '/admin/contact-points', label: 'admin.sections.contactPoints', countyWide: true },
  { section: 'notification-policies', href: '/admin/notification-policies', label: 'admin.sections.notificationPolicies', countyWide: true },
  { section: 'message-templates', href: '/admin/message-templates', label: 'admin.sections.messageTemplates', countyWide: true },
  { section: 'standards', href: '/admin/standards', label: 'admin.sections.standards', countyWide: true },
  { section: 'audit', href: '/admin/audit', label: 'admin.sections.audit' },
];

/** Who may do what: operators, API keys for systems, and the audit log of every change. Admins only. */
export function AdminView(props: { section: AdminSection }): JSX.Element {
  const me = useMe();
  const title = t(SECTIONS.find((entry) => entry.section === props.section)?.label ?? 'admin.sections.title');
  if (me.role !== 'admin') {
    return (
      <Page title={title}>
        <Empty title={t('admin.sections.adminsOnly')}>{t('admin.sections.adminsOnlyText')}</Empty>
      </Page>
    );
  }
  const countyWide = me.towns.length === 0 && me.domains.length === 0;
  return (
    <Page title={title} subtitle={t('admin.sections.subtitle')} wide>
      <nav aria-label={t('admin.sections.nav')} class="segmented admin-tabs">
        {SECTIONS.filter((entry) => countyWide || !entry.countyWide).map((entry) => (
          <Link key={entry.section} href={entry.href} class={entry.section === props.section ? 'selected' : undefined} aria-current={entry.section === props.section ? 'page' : undefined}>
            {t(entry.label)}
          </Link>
        ))}
      </nav>
      {props.section === 'operators' && <OperatorsAdmin />}
      {props.section === 'api-keys' && <ApiKeysAdmin />}
      {props.section === 'areas' && <AreasAdmin />}
      {props.section === 'catalogue' && <CatalogueAdmin />}
      {props.section === 'device-profiles' && (countyWide ? <DeviceProfilesAdmin /> : <CountyWideOnly text={t('admin.sections.countyWide.deviceProfiles')} />)}
      {props.section === 'network-servers' && (countyWide ? <NetworkServersAdmin /> : <CountyWideOnly text={t('admin.sections.countyWide.networkServers')} />)}
      {props.section === 'contact-points' && (countyWide ? <ContactPointsAdmin /> : <CountyWideOnly text={t('admin.sections.countyWide.contactPoints')} />)}
      {props.section === 'notification-policies' && (countyWide ? <NotificationPolicyAdmin /> : <CountyWideOnly text={t('admin.sections.countyWide.notificationPolicies')} />)}
      {props.section === 'message-templates' && (countyWide ? <NotificationTemplatesAdmin /> : <CountyWideOnly text={t('admin.sections.countyWide.messageTemplates')} />)}
      {props.section === 'standards' && (countyWide ? <StandardsAdmin /> : <CountyWideOnly text={t('admin.sections.countyWide.standards')} />)}
      {props.section === 'audit' && <AuditLogView />}
    </Page>
  );
}

/** Why a county-wide section is closed to an admin of some towns or domains. */
function CountyWideOnly(props: { text: string }): JSX.Element {
  return <Empty title={t('admin.sections.countyWideOnly')}>{props.text}</Empty>;
}
