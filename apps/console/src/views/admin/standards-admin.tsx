import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import type { RulePackChange, StandardsProfileDiff } from '@hub/api-types';
import { hubApi } from '../../api/hub-api';
import { ErrorNotice, Loading } from '../../components/states';
import { Time } from '../../components/time';
import { ruleNameText } from '../../format/condition';
import { useResource } from '../../hooks/use-resource';
import { type MessageId, t } from '../../i18n/i18n';

const CHANGE_WORDS: Readonly<Record<RulePackChange['change'], MessageId>> = {
  added: 'admin.standards.change.added',
  changed: 'admin.standards.change.changed',
  removed: 'admin.standards.change.removed',
  kept: 'admin.standards.change.kept',
  unchanged: 'admin.standards.change.unchanged',
};

const shown = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

/**
 * The standards the default rules and the catalogue's bands follow (GB for China, EN/IEC for Europe): the profile in
 * force, and a change to another shown as its diff — every default rule added, changed field by field, removed or
 * kept because an operator edited it — before it is applied.
 */
export function StandardsAdmin(): JSX.Element {
  const current = useResource((signal) => hubApi.standardsProfile(signal), []);
  const [target, setTarget] = useState('');
  const [diff, setDiff] = useState<StandardsProfileDiff | undefined>();
  const [failure, setFailure] = useState<Error | undefined>();
  const [busy, setBusy] = useState(false);
  if (current.error && !current.data) return <ErrorNotice error={current.error} onRetry={current.reload} />;
  if (!current.data) return <Loading what={t('admin.standards.loading')} />;
  const view = current.data;
  const choice = target || (view.available.find((entry) => entry.profile !== view.profile)?.profile ?? view.profile);

  const run = async (work: () => Promise<StandardsProfileDiff>): Promise<void> => {
    setBusy(true);
    setFailure(undefined);
    try {
      setDiff(await work());
      current.reload();
    } catch (error) {
      setFailure(error instanceof Error ? error : new Error(String(error)));
    } finally {
      setBusy(false);
    }
  };
  const apply = (): void => {
    if (!confirm(t('admin.standards.confirm', { from: view.profile, to: choice }))) return;
    void run(() => hubApi.applyStandardsProfile(choice));
  };

  return (
    <section class="card" aria-labelledby="standards-title">
      <h2 class="card-title" id="standards-title">
        {t('admin.standards.title')}
      </h2>
      <p data-field="standards-current">
        {t('admin.standards.current', { profile: view.profile, by: view.chosenBy })} <Time value={view.chosenAt} mode="full" />
      </p>
      <ul class="muted small">
        {view.available.map((entry) => (
          <li key={entry.profile}>
            <code>{entry.profile}</code> — {entry.description}
          </li>
        ))}
      </ul>
      <div class="action-buttons">
        <label class="field">
          <span class="field-label">{t('admin.standards.changeTo')}</span>
          <select name="profile" value={choice} onChange={(event) => (setTarget(event.currentTarget.value), setDiff(undefined))}>
            {view.available.map((entry) => (
              <option key={entry.profile} value={entry.profile}>
                {entry.profile}
              </option>
            ))}
          </select>
        </label>
        <button type="button" class="button" disabled={busy || choice === view.profile} onClick={() => void run(() => hubApi.previewStandardsProfile(choice))}>
          {t('admin.standards.preview')}
        </button>
        {diff !== undefined && !diff.applied && diff.to === choice && (
          <button type="button" class="button button-primary" disabled={busy} onClick={apply}>
            {t('admin.standards.apply', { to: choice })}
          </button>
        )}
      </div>
      {failure && <ErrorNotice error={failure} compact />}
      {diff && <DiffTable diff={diff} />}
    </section>
  );
}

function DiffTable(props: { diff: StandardsProfileDiff }): JSX.Element {
  const { diff } = props;
  const rules = diff.rules.filter((rule) => rule.change !== 'unchanged');
  return (
    <div data-diff={diff.applied ? 'applied' : 'preview'}>
      <p role="status" class="action-status">
        {diff.applied ? t('admin.standards.applied', { from: diff.from, to: diff.to }) : t('admin.standards.previewed', { from: diff.from, to: diff.to, count: rules.length })}
      </p>
      <table class="table" aria-label={t('admin.standards.rulesTable')}>
        <thead>
          <tr>
            <th scope="col">{t('admin.standards.rule')}</th>
            <th scope="col">{t('admin.standards.what')}</th>
            <th scope="col">{t('admin.standards.details')}</th>
          </tr>
        </thead>
        <tbody>
          {rules.map((rule) => (
            <tr key={rule.ruleId} data-rule={rule.ruleId} data-change={rule.change}>
              <th scope="row">
                <code>{rule.ruleId}</code>
                {rule.rule?.name !== undefined && <div class="muted small">{ruleNameText(rule.rule.name)}</div>}
              </th>
              <td>{t(CHANGE_WORDS[rule.change])}</td>
              <td>
                {rule.kept && <span>{rule.kept.note}</span>}
                {rule.fields &&
                  Object.entries(rule.fields).map(([field, { from, to }]) => (
                    <div key={field}>
                      <code>{field}</code>: {shown(from)} → {shown(to)}
                    </div>
                  ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {diff.catalogue.length > 0 && (
        <table class="table" aria-label={t('admin.standards.catalogueTable')}>
          <tbody>
            {diff.catalogue.map((change) => (
              <tr key={`${change.domain}.${change.metric}`} data-metric={`${change.domain}.${change.metric}`}>
                <th scope="row">
                  <code>
                    {change.domain}.{change.metric}
                  </code>
                </th>
                <td>{t(change.change === 'kept' ? 'admin.standards.change.kept' : 'admin.standards.change.changed')}</td>
                <td>
                  {change.kept && <span>{change.kept.note}</span>}
                  {Object.entries(change.fields).map(([field, { from, to }]) => (
                    <div key={field}>
                      <code>{field}</code>: {shown(from)} → {shown(to)}
                    </div>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
