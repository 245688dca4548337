import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { emptyRuleForm, RuleForm, ruleDocumentOf, ruleFormOf } from '../alerts/rule-form';
import { SEVERITY_ORDER } from '../alerts/alert-order';
import { metricOf, useCatalogue } from '../api/catalogue';
import { hubApi } from '../api/hub-api';
import { ApiError } from '../api/http';
import { FieldError, invalidProps } from '../components/field-error';
import { Page } from '../components/page';
import { domainLabel, severityLabel } from '../components/alert-badges';
import { ErrorNotice, Loading } from '../components/states';
import { formatDateTime } from '../format/time';
import { metricLabel } from '../format/values';
import { useResource } from '../hooks/use-resource';
import { currentLanguage, t } from '../i18n/i18n';
import { Link, navigate } from '../router';
import { hasRole, useMe } from '../auth/session';

/** Short month names in the console's language ("Jan", "1月"). */
const monthNames = (): string[] => Array.from({ length: 12 }, (_, index) => new Intl.DateTimeFormat(currentLanguage(), { month: 'short' }).format(new Date(2026, index, 1)));

/** Create or edit one rule. Every problem the hub finds is shown next to its field; nothing is saved until all are fixed. */
export function RuleEditView(props: { id?: string }): JSX.Element {
  const isNew = props.id === undefined;
  // Everyone may read a rule here; changing it takes an admin (the hub refuses anyone else).
  const readOnly = !hasRole(useMe(), 'admin');
  const { catalogue } = useCatalogue();
  const existing = useResource((signal) => (props.id === undefined ? Promise.resolve(undefined) : hubApi.rule(props.id, signal)), [props.id]);
  const [form, setForm] = useState<RuleForm | undefined>(isNew ? emptyRuleForm() : undefined);
  const [fields, setFields] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<Error | undefined>();
  const [busy, setBusy] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  useEffect(() => {
    if (existing.data) setForm(ruleFormOf(existing.data));
  }, [existing.data]);

  if (!isNew && existing.loading) return <Page title={t('rules.edit.title')}><Loading what={t('rules.edit.loading')} /></Page>;
  if (!isNew && !existing.data) return <Page title={t('rules.edit.title')}>{existing.error && <ErrorNotice error={existing.error} onRetry={existing.reload} />}</Page>;
  if (form === undefined) return <Page title={t('rules.edit.title')}><Loading what={t('rules.edit.loading')} /></Page>;

  const set = <K extends keyof RuleForm>(key: K, value: RuleForm[K]): void => setForm({ ...form, [key]: value });
  const metrics = catalogue?.domains.find((entry) => entry.domain === form.domain)?.metrics ?? [];
  const unit = metricOf(catalogue, form.domain, form.metric)?.unit ?? '';
  const shown = shownPaths(form, isNew);
  const otherProblems = Object.entries(fields).filter(([path]) => !shown.includes(path));

  const save = async (event: Event): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setFailure(undefined);
    setFields({});
    try {
      const body = ruleDocumentOf(form, isNew);
      const saved = isNew ? await hubApi.createRule(body) : await hubApi.replaceRule(form.id, body);
      navigate(`/rules#${encodeURIComponent(saved.id)}`);
    } catch (error) {
      const problem = error instanceof Error ? error : new Error(String(error));
      setFailure(problem);
      if (problem instanceof ApiError) setFields(problem.fields);
    } finally {
      setBusy(false);
    }
  };
  const remove = async (): Promise<void> => {
    setBusy(true);
    try {
      await hubApi.deleteRule(form.id);
      navigate('/rules');
    } catch (error) {
      setFailure(error instanceof Error ? error : new Error(String(error)));
      setBusy(false);
    }
  };

  const text = (key: keyof RuleForm, label: string, path: string, options: { hint?: string; type?: 'text' | 'number'; step?: string } = {}): JSX.Element => (
    <Field label={label} path={path} fields={fields} hint={options.hint}>
      {options.type === 'number' ? (
        <input name={path} type="number" step={options.step} value={String(form[key] ?? '')} onInput={(event) => set(key, event.currentTarget.value as never)} {...invalidProps(fields, path)} />
      ) : (
        <input name={path} type="text" value={String(form[key] ?? '')} onInput={(event) => set(key, event.currentTarget.value as never)} {...invalidProps(fields, path)} />
      )}
    </Field>
  );
  const number = (key: keyof RuleForm, label: string, path: string, hint?: string): JSX.Element =>
    text(key, unit && unit !== '1' ? t('rules.edit.withUnit', { label, unit }) : label, path, { hint, type: 'number', step: 'any' });

  return (
    <Page
      title={isNew ? t('rules.new') : t('rules.edit.titleNamed', { name: existing.data?.name ?? form.name })}
      subtitle={!isNew && existing.data && t('rules.edit.revision', { revision: existing.data.revision, changed: formatDateTime(existing.data.updatedAt) })}
      actions={<Link href="/rules">{t('rules.edit.all')}</Link>}
    >
      <form class="card rule-form" onSubmit={(event) => void save(event)} noValidate data-readonly={readOnly ? 'true' : undefined}>
        {readOnly && (
          <p class="notice notice-compact" role="status">
            {t('rules.edit.readOnly')}
          </p>
        )}
        {failure && (Object.keys(fields).length === 0 || otherProblems.length > 0) && (
          <ErrorNotice error={Object.keys(fields).length > 0 ? new Error(otherProblems.map(([path, message]) => `${path} ${message}`).join('; ')) : failure} compact />
        )}
        {failure instanceof ApiError && failure.status === 409 && (
          <p class="hint">
            {t('rules.edit.conflict')}{' '}
            <button type="button" class="button button-small" onClick={existing.reload}>
              {t('rules.edit.loadTheirs')}
            </button>
          </p>
        )}
        <fieldset disabled={readOnly}>
          <legend>{t('rules.edit.what')}</legend>
          {isNew && text('id', t('rules.edit.id'), 'id', { hint: t('rules.edit.idHint') })}
          {text('name', t('rules.edit.name'), 'name')}
          <Field label={t('rules.edit.description')} path="description" fields={fields}>
            <textarea name="description" value={form.description} onInput={(event) => set('description', event.currentTarget.value)} {...invalidProps(fields, 'description')} />
          </Field>
          {text('standard', t('rules.edit.standard'), 'standard', { hint: t('rules.edit.standardHint') })}
          <Field label={t('rules.edit.severity')} path="severity" fields={fields}>
            <select name="severity" value={form.severity} onChange={(event) => set('severity', event.currentTarget.value)} {...invalidProps(fields, 'severity')}>
              {SEVERITY_ORDER.map((severity) => (
                <option value={severity} key={severity}>
                  {severityLabel(severity)}
                </option>
              ))}
            </select>
          </Field>
          <label class="checkbox">
            <input type="checkbox" name="enabled" checked={form.enabled} onChange={(event) => set('enabled', event.currentTarget.checked)} /> {t('rules.edit.enabled')}
          </label>
        </fieldset>

        <fieldset disabled={readOnly}>
          <legend>{t('rules.edit.which')}</legend>
          <Field label={t('rules.edit.domain')} path="selector.domain" fields={fields}>
            <select
              name="selector.domain"
              value={form.domain}
              onChange={(event) => {
                const domain = event.currentTarget.value;
                const first = catalogue?.domains.find((entry) => entry.domain === domain)?.metrics[0]?.name ?? '';
                setForm({ ...form, domain, metric: first });
              }}
              {...invalidProps(fields, 'selector.domain')}
            >
              {(catalogue?.domains ?? []).map((entry) => (
                <option value={entry.domain} key={entry.domain}>
                  {domainLabel(entry.domain)}
                </option>
              ))}
            </select>
          </Field>
          <Field label={t('rules.edit.metric')} path="selector.metric" fields={fields} hint={metricOf(catalogue, form.domain, form.metric)?.description}>
            <select name="selector.metric" value={form.metric} onChange={(event) => set('metric', event.currentTarget.value)} {...invalidProps(fields, 'selector.metric')}>
              {metrics.map((metric) => (
                <option value={metric.name} key={metric.name}>
                  {t('rules.edit.metricOption', { metric: metricLabel(metric.name), unit: metric.unit, low: metric.typical[0], high: metric.typical[1] })}
                </option>
              ))}
            </select>
          </Field>
          {text('deviceIds', t('rules.edit.devices'), 'selector.deviceIds', { hint: t('rules.edit.devicesHint') })}
          {text('towns', t('rules.edit.towns'), 'selector.towns', { hint: t('rules.edit.townsHint') })}
        </fieldset>

        <fieldset disabled={readOnly}>
          <legend>{t('rules.edit.condition')}</legend>
          <Field label={t('rules.edit.type')} path="condition.type" fields={fields}>
            <select name="condition.type" value={form.type} onChange={(event) => set('type', event.currentTarget.value as RuleForm['type'])} {...invalidProps(fields, 'condition.type')}>
              <option value="threshold">{t('rules.edit.type.threshold')}</option>
              <option value="rate-of-change">{t('rules.edit.type.rateOfChange')}</option>
              <option value="no-data">{t('rules.edit.type.noData')}</option>
              <option value="stuck">{t('rules.edit.type.stuck')}</option>
            </select>
          </Field>
          {form.type === 'threshold' && (
            <>
              <Field label={t('rules.edit.operator')} path="condition.operator" fields={fields}>
                <select name="condition.operator" value={form.operator} onChange={(event) => set('operator', event.currentTarget.value as RuleForm['operator'])}>
                  <option value="above">{t('rules.edit.operator.above')}</option>
                  <option value="below">{t('rules.edit.operator.below')}</option>
                  <option value="outside">{t('rules.edit.operator.outside')}</option>
                </select>
              </Field>
              {form.operator === 'outside' ? (
                <>
                  {number('low', t('rules.edit.low'), 'condition.low')}
                  {number('high', t('rules.edit.high'), 'condition.high')}
                  {number('clearLow', t('rules.edit.clearsAbove'), 'condition.clearLow', t('rules.edit.clearLowHint'))}
                  {number('clearHigh', t('rules.edit.clearsBelow'), 'condition.clearHigh', t('rules.edit.clearHighHint'))}
                </>
              ) : (
                <>
                  {number('value', t('rules.edit.trigger'), 'condition.value')}
                  {number('clear', form.operator === 'above' ? t('rules.edit.clearsBelow') : t('rules.edit.clearsAbove'), 'condition.clear', t('rules.edit.clearHint'))}
                </>
              )}
              {text('for', t('rules.edit.for'), 'condition.for', { hint: t('rules.edit.forHint') })}
              {text('clearFor', t('rules.edit.clearFor'), 'condition.clearFor')}
            </>
          )}
          {form.type === 'rate-of-change' && (
            <>
              <Field label={t('rules.edit.direction')} path="condition.direction" fields={fields}>
                <select name="condition.direction" value={form.direction} onChange={(event) => set('direction', event.currentTarget.value as RuleForm['direction'])}>
                  <option value="drop">{t('rules.edit.direction.drop')}</option>
                  <option value="rise">{t('rules.edit.direction.rise')}</option>
                  <option value="either">{t('rules.edit.direction.either')}</option>
                </select>
              </Field>
              {number('amount', t('rules.edit.amount'), 'condition.amount')}
              {number('clear', t('rules.edit.rateClear'), 'condition.clear')}
              {text('window', t('rules.edit.within'), 'condition.window', { hint: t('rules.edit.withinHint') })}
              {text('clearFor', t('rules.edit.clearFor'), 'condition.clearFor')}
            </>
          )}
          {form.type === 'no-data' && (
            <>
              {text('silentFor', t('rules.edit.silentFor'), 'condition.silentFor', { hint: t('rules.edit.silentForHint') })}
              {text('intervalMultiple', t('rules.edit.intervalMultiple'), 'condition.intervalMultiple', { type: 'number', step: 'any' })}
              {text('baseline', t('rules.edit.baseline'), 'condition.baseline')}
            </>
          )}
          {form.type === 'stuck' && (
            <>
              {text('window', t('rules.edit.unchangedFor'), 'condition.window', { hint: t('rules.edit.unchangedForHint') })}
              {number('tolerance', t('rules.edit.tolerance'), 'condition.tolerance')}
              {text('minReadings', t('rules.edit.minReadings'), 'condition.minReadings', { type: 'number', step: '1' })}
            </>
          )}
        </fieldset>

        <fieldset disabled={readOnly}>
          <legend>{t('rules.edit.when')}</legend>
          {text('evaluateEvery', t('rules.edit.every'), 'evaluateEvery', { hint: t('rules.edit.everyHint') })}
          <Field label={t('rules.edit.months')} path="activeMonths" fields={fields} hint={t('rules.edit.monthsHint')} group>
            <div class="months">
              {monthNames().map((label, index) => (
                <label key={label} class="checkbox">
                  <input
                    type="checkbox"
                    checked={form.activeMonths.includes(index + 1)}
                    onChange={(event) =>
                      set('activeMonths', event.currentTarget.checked ? [...form.activeMonths, index + 1].sort((a, b) => a - b) : form.activeMonths.filter((month) => month !== index + 1))
                    }
                  />{' '}
                  {label}
                </label>
              ))}
            </div>
          </Field>
          {text('flapWindow', t('rules.edit.flapWindow'), 'flapWindow', { hint: t('rules.edit.flapWindowHint') })}
        </fieldset>

        {!readOnly && (
        <div class="action-buttons">
          <button type="submit" class="button button-primary" disabled={busy}>
            {isNew ? t('rules.edit.create') : t('rules.edit.save')}
          </button>
          <Link class="button button-ghost" href="/rules">
            {t('rules.edit.cancel')}
          </Link>
          {!isNew &&
            (confirmDelete ? (
              <span class="confirm">
                {t('rules.edit.deleteConfirm')}{' '}
                <button type="button" class="button button-danger" disabled={busy} onClick={() => void remove()}>
                  {t('rules.edit.delete')}
                </button>{' '}
                <button type="button" class="button" onClick={() => setConfirmDelete(false)}>
                  {t('rules.edit.keep')}
                </button>
              </span>
            ) : (
              <button type="button" class="button" onClick={() => setConfirmDelete(true)}>
                {t('rules.edit.deleteStart')}
              </button>
            ))}
        </div>
        )}
      </form>
    </Page>
  );
}

function Field(props: { label: string; path: string; fields: Readonly<Record<string, string>>; hint?: string; group?: boolean; children: ComponentChildren }): JSX.Element {
  return (
    <div class="field" data-field={props.path}>
      {props.group ? (
        <div role="group" aria-label={props.label}>
          <span class="field-label">{props.label}</span>
          {props.children}
        </div>
      ) : (
        <label>
          <span class="field-label">{props.label}</span>
          {props.children}
        </label>
      )}
      {props.hint && <p class="field-hint">{props.hint}</p>}
      <FieldError fields={props.fields} path={props.path} />
    </div>
  );
}

/** The API paths that have a field on screen for this form; problems with any other path are listed at the top. */
function shownPaths(form: RuleForm, isNew: boolean): string[] {
  const paths = ['name', 'description', 'severity', 'selector.domain', 'selector.metric', 'selector.deviceIds', 'selector.towns', 'condition.type', 'evaluateEvery', 'activeMonths', 'flapWindow', 'standard'];
  if (isNew) paths.push('id');
  const condition: Record<RuleForm['type'], string[]> = {
    threshold: ['operator', 'for', 'clearFor', ...(form.operator === 'outside' ? ['low', 'high', 'clearLow', 'clearHigh'] : ['value', 'clear'])],
    'rate-of-change': ['direction', 'amount', 'clear', 'window', 'clearFor'],
    'no-data': ['silentFor', 'intervalMultiple', 'baseline'],
    stuck: ['window', 'tolerance', 'minReadings'],
  };
  return [...paths, ...condition[form.type].map((key) => `condition.${key}`)];
}
