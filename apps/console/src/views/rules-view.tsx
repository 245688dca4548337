import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { SEVERITY_RANK } from '../alerts/alert-order';
import { metricOf, useCatalogue } from '../api/catalogue';
import { hubApi } from '../api/hub-api';
import type { AlertRuleDocument } from '@hub/api-types';
import { domainLabel, SeverityBadge } from '../components/alert-badges';
import { Page } from '../components/page';
import { Empty, ErrorNotice, Loading, StaleNotice } from '../components/states';
import { conditionText, durationText } from '../format/condition';
import { metricLabel } from '../format/values';
import { useResource } from '../hooks/use-resource';
import { t } from '../i18n/i18n';
import { Link } from '../router';
import { hasRole, useMe } from '../auth/session';

export { RuleEditView } from './rule-edit-view';

/** Every rule, by domain, with what it watches for, how often, whether it is on, and how many alerts it has open. */
export function RulesView(): JSX.Element {
  const { catalogue } = useCatalogue();
  const mayEdit = hasRole(useMe(), 'admin');
  const rules = useResource((signal) => hubApi.rules(signal), [], { reloadOn: ['hello'] });
  const open = useResource((signal) => hubApi.alerts({ state: 'open', limit: 1000 }, signal), [], { reloadOn: ['hello', 'alert'], refreshMs: 30_000 });
  const [toggleError, setToggleError] = useState<Error | undefined>();
  const openByRule = new Map<string, number>();
  for (const alert of open.data?.items ?? []) openByRule.set(alert.ruleId, (openByRule.get(alert.ruleId) ?? 0) + 1);

  const toggle = async (rule: AlertRuleDocument): Promise<void> => {
    setToggleError(undefined);
    try {
      await hubApi.patchRule(rule.id, { enabled: !rule.enabled });
    } catch (error) {
      setToggleError(error instanceof Error ? error : new Error(String(error)));
    }
    rules.reload();
  };
  const domains = [...new Set((rules.data ?? []).map((rule) => rule.selector.domain))];
  return (
    <Page
      title={t('rules.title')}
      subtitle={rules.data && t('rules.subtitle', { count: rules.data.length, off: rules.data.filter((rule) => !rule.enabled).length })}
      actions={
        mayEdit ? (
          <Link class="button button-primary" href="/rules/new">
            {t('rules.new')}
          </Link>
        ) : (
          <span class="muted small">{t('rules.adminsOnly')}</span>
        )
      }
    >
      <StaleNotice error={rules.data ? rules.error : undefined} updatedAt={rules.updatedAt} onRetry={rules.reload} />
      {toggleError && <ErrorNotice error={toggleError} compact />}
      {rules.loading && <Loading what={t('rules.loading')} />}
      {!rules.loading && !rules.data && rules.error && <ErrorNotice error={rules.error} onRetry={rules.reload} />}
      {rules.data && rules.data.length === 0 && <Empty title={t('rules.empty.title')}>{t('rules.empty.body')}</Empty>}
      {domains.map((domain) => (
        <section class="card" key={domain} aria-labelledby={`rules-${domain}`}>
          <h2 class="card-title" id={`rules-${domain}`}>
            {domainLabel(domain)}
          </h2>
          <div class="table-scroll">
            <table class="table rules-table">
              <thead>
                <tr>
                  <th scope="col">{t('rules.column.rule')}</th>
                  <th scope="col">{t('rules.column.severity')}</th>
                  <th scope="col" class="col-optional">
                    {t('rules.column.watches')}
                  </th>
                  <th scope="col">{t('rules.column.open')}</th>
                  <th scope="col">{t('rules.column.on')}</th>
                </tr>
              </thead>
              <tbody>
                {(rules.data ?? [])
                  .filter((rule) => rule.selector.domain === domain)
                  .sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || a.name.localeCompare(b.name))
                  .map((rule) => {
                    const unit = metricOf(catalogue, domain, rule.selector.metric)?.unit ?? '';
                    const count = openByRule.get(rule.id) ?? 0;
                    return (
                      <tr key={rule.id} data-rule={rule.id} class={rule.enabled ? '' : 'row-disabled'}>
                        <th scope="row">
                          <Link href={`/rules/${encodeURIComponent(rule.id)}`}>{rule.name}</Link>
                          <div class="muted small">{rule.id}</div>
                        </th>
                        <td>
                          <SeverityBadge severity={rule.severity} />
                        </td>
                        <td class="col-optional">
                          {metricLabel(rule.selector.metric)} {conditionText(rule.condition, unit)}
                          {rule.selector.deviceIds.length > 0 && <> · {t('rules.onlyDevices', { devices: rule.selector.deviceIds.join(', ') })}</>}
                          <div class="muted small">{t('rules.checkedEvery', { every: durationText(rule.evaluateEvery) })}</div>
                        </td>
                        <td>{count > 0 ? <Link href={`/alerts?rule=${encodeURIComponent(rule.id)}`}>{t('rules.openCount', { count })}</Link> : <span class="muted">{t('rules.noneOpen')}</span>}</td>
                        <td>
                          <input type="checkbox" checked={rule.enabled} disabled={!mayEdit} aria-label={t(rule.enabled ? 'rules.toggleOn' : 'rules.toggleOff', { name: rule.name })} onChange={() => void toggle(rule)} />
                        </td>
                      </tr>
                    );
                  })}
              </tbody>
            </table>
          </div>
        </section>
      ))}
    </Page>
  );
}
