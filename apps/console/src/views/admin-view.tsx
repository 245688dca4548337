import type { JSX } from 'preact';
import { useMe } from '../auth/session';
import { Page } from '../components/page';
import { Empty } from '../components/states';
import { Link } from '../router';
import { ApiKeysAdmin } from './admin/api-keys-admin';
import { AuditLogView } from './admin/audit-log-view';
import { CatalogueAdmin } from './admin/catalogue-admin';
import { OperatorsAdmin } from './admin/operators-admin';

type Section = 'operators' | 'api-keys' | 'catalogue' | 'audit';

const SECTIONS: ReadonlyArray<{ section: Section; href: string; label: string }> = [
  { section: 'operators', href: '/admin/operators', label: 'Operators' },
  { section: 'api-keys', href: '/admin/api-keys', label: 'API keys' },
  { section: 'catalogue', href: '/admin/catalogue', label: 'Catalogue' },
  { section: 'audit', href: '/admin/audit', label: 'Audit log' },
];

/** Who may do what: operators, API keys for systems, and the audit log of every change. Admins only. */
export function AdminView(props: { section: Section }): JSX.Element {
  const me = useMe();
  const title = SECTIONS.find((entry) => entry.section === props.section)?.label ?? 'Admin';
  if (me.role !== 'admin') {
    return (
      <Page title={title}>
        <Empty title="Admins only">Operators, API keys, the metric catalogue and the audit log are managed by the county’s admins.</Empty>
      </Page>
    );
  }
  return (
    <Page title={title} subtitle="Who may see and do what, what the hub measures, and who did what when" wide>
      <nav aria-label="Admin" class="segmented admin-tabs">
        {SECTIONS.map((entry) => (
          <Link key={entry.section} href={entry.href} class={entry.section === props.section ? 'selected' : undefined} aria-current={entry.section === props.section ? 'page' : undefined}>
            {entry.label}
          </Link>
        ))}
      </nav>
      {props.section === 'operators' && <OperatorsAdmin />}
      {props.section === 'api-keys' && <ApiKeysAdmin />}
      {props.section === 'catalogue' && <CatalogueAdmin />}
      {props.section === 'audit' && <AuditLogView />}
    </Page>
  );
}
