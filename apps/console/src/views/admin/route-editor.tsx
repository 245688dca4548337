import type { ComponentChildren, JSX } from 'preact';
import { PERSONAL_CHANNEL_NAMES, type PersonalChannelName, SEVERITIES, type Severity } from '@hub/api-types';
import { type MessageId, t } from '../../i18n/i18n';
import { domainWord, severityWord } from '../../notification-policies/alert-words';
import { emptyLevel, emptyRoute, type LevelDraft, type Problems, problemsAt, type RouteDraft, routePrefix, routeTitle } from '../../notification-policies/policy-draft';

/** The hub allows child routes 4 levels deep. */
const MAX_DEPTH = 4;
/** An example of a route's name: a name as operators subscribe to it, the same in every language. */
const ROUTE_NAME_EXAMPLE = 'gas-critical';

export interface RouteEditorContext {
  readonly contactPoints: readonly string[];
  /** Per channel, the contact points of that kind (an email server can carry operators' own email, an SMS gateway their SMS). */
  readonly personalOptions: Readonly<Record<PersonalChannelName, readonly string[]>>;
  readonly domains: readonly string[];
  readonly problems: Problems;
  change(path: readonly number[], change: (route: RouteDraft) => RouteDraft): void;
  remove(path: readonly number[]): void;
  move(path: readonly number[], by: -1 | 1): void;
}

/**
 * One route of the structured editor with its children: matchers (not on the default route), contact points,
 * timings in minutes, quiet hours and escalation levels. Each input shows the hub's problem at its path; a child's
 * setting left empty is inherited from its parent.
 */
export function RouteEditor(props: { route: RouteDraft; path: readonly number[]; siblings: number; context: RouteEditorContext }): JSX.Element {
  const { route, path, context } = props;
  const root = path.length === 0;
  const prefix = routePrefix(path);
  const title = root ? t('notify.policy.defaultRoute') : routeTitle(path.map((index) => index + 1), route);
  const set = (change: Partial<RouteDraft>): void => context.change(path, (current) => ({ ...current, ...change }));
  const at = (field: string): string | undefined => problemsAt(context.problems, `${prefix}${field}`);
  const domId = (field: string): string => `route-${path.join('-') || 'default'}-${field}`;

  return (
    <fieldset class="route-editor" data-route-editor={root ? 'default' : path.map((index) => index + 1).join('.')}>
      <legend>{title}</legend>
      {!root && (
        <div class="action-buttons route-editor-actions">
          <button type="button" class="button button-small" disabled={path[path.length - 1] === 0} onClick={() => context.move(path, -1)} aria-label={t('notify.policy.editor.moveUpLabel', { route: title })}>
            {t('notify.policy.editor.moveUp')}
          </button>
          <button type="button" class="button button-small" disabled={path[path.length - 1] === props.siblings - 1} onClick={() => context.move(path, 1)} aria-label={t('notify.policy.editor.moveDownLabel', { route: title })}>
            {t('notify.policy.editor.moveDown')}
          </button>
          <button type="button" class="button button-small button-danger" onClick={() => context.remove(path)} aria-label={t('notify.policy.editor.removeLabel', { route: title })}>
            {t('notify.policy.editor.remove')}
          </button>
        </div>
      )}
      {root && <PersonalDelivery route={route} context={context} onChange={(personalDelivery) => set({ personalDelivery })} />}
      {!root && (
        <div class="form-grid">
          <TextField
            label={t('notify.policy.editor.name')}
            name="routeName"
            id={domId('name')}
            value={route.name}
            placeholder={ROUTE_NAME_EXAMPLE}
            onInput={(name) => set({ name })}
            problem={at('name')}
          />
          <CheckGroup label={t('notify.policy.editor.domains')} name="domains" options={context.domains} words={domainWord} chosen={route.domains} onChange={(domains) => set({ domains })} problem={at('matchers.domains')} />
          <CheckGroup
            label={t('notify.policy.editor.severities')}
            name="severities"
            options={SEVERITIES}
            words={severityWord}
            chosen={route.severities}
            onChange={(severities) => set({ severities: severities as Severity[] })}
            problem={at('matchers.severities')}
          />
          <TextField label={t('notify.policy.editor.towns')} name="towns" id={domId('towns')} value={route.towns} onInput={(towns) => set({ towns })} problem={at('matchers.towns')} />
          <TextField label={t('notify.policy.editor.ruleIds')} name="ruleIds" id={domId('rule-ids')} value={route.ruleIds} onInput={(ruleIds) => set({ ruleIds })} problem={at('matchers.ruleIds')} />
          <Problem id={domId('matchers')} text={context.problems[`${prefix}matchers`]} />
          <div class="field">
            <label class="checkbox">
              <input type="checkbox" name="continue" checked={route.continue} onChange={(event) => set({ continue: event.currentTarget.checked })} />{' '}
              {t('notify.policy.editor.continue')}
            </label>
          </div>
        </div>
      )}
      <Inheritable root={root} name="contact points" label={t('notify.policy.editor.inheritContactPoints')} inherited={route.contactPoints === null} onInherit={(on) => set({ contactPoints: on ? null : [] })}>
        <CheckGroup label={t('notify.policy.editor.contactPoints')} name="contactPoints" options={context.contactPoints} chosen={route.contactPoints ?? []} onChange={(contactPoints) => set({ contactPoints })} problem={at('contactPoints')} />
      </Inheritable>
      <div class="form-grid">
        <TextField
          label={t('notify.policy.editor.groupWait')}
          name="groupWait"
          id={domId('group-wait')}
          value={route.groupWait}
          placeholder={root ? t('notify.policy.editor.default', { value: '0.5' }) : t('notify.policy.editor.inherit')}
          onInput={(groupWait) => set({ groupWait })}
          problem={at('groupWaitMs')}
        />
        <TextField
          label={t('notify.policy.editor.groupInterval')}
          name="groupInterval"
          id={domId('group-interval')}
          value={route.groupInterval}
          placeholder={root ? t('notify.policy.editor.default', { value: '5' }) : t('notify.policy.editor.inherit')}
          onInput={(groupInterval) => set({ groupInterval })}
          problem={at('groupIntervalMs')}
        />
        <TextField
          label={t('notify.policy.editor.repeat')}
          name="repeat"
          id={domId('repeat')}
          value={route.repeat}
          placeholder={root ? t('notify.policy.editor.default', { value: '240' }) : t('notify.policy.editor.inherit')}
          onInput={(repeat) => set({ repeat })}
          problem={at('repeatIntervalMs')}
        />
        <div class="field">
          <label>
            <span class="field-label">{t('notify.policy.editor.quietHours')}</span>
            <select name="quietHours" value={route.quietHours} onChange={(event) => set({ quietHours: event.currentTarget.value as RouteDraft['quietHours'] })}>
              {!root && <option value="inherit">{t('notify.policy.editor.quietInherit')}</option>}
              <option value="none">{t('notify.policy.editor.quietNone')}</option>
              <option value="set">{t('notify.policy.editor.quietSet')}</option>
            </select>
          </label>
        </div>
        {route.quietHours === 'set' && (
          <>
            <TextField label={t('notify.policy.editor.quietFrom')} name="quietStart" id={domId('quiet-start')} value={route.quietStart} onInput={(quietStart) => set({ quietStart })} problem={at('quietHours.start')} />
            <TextField label={t('notify.policy.editor.quietUntil')} name="quietEnd" id={domId('quiet-end')} value={route.quietEnd} onInput={(quietEnd) => set({ quietEnd })} problem={at('quietHours.end')} />
            <TextField
              label={t('notify.policy.editor.timeZone')}
              name="quietTimeZone"
              id={domId('quiet-zone')}
              value={route.quietTimeZone}
              placeholder={t('notify.policy.editor.countyZone')}
              onInput={(quietTimeZone) => set({ quietTimeZone })}
              problem={at('quietHours.timeZone')}
            />
          </>
        )}
        <Problem id={domId('quiet')} text={context.problems[`${prefix}quietHours`]} />
      </div>
      <Inheritable root={root} name="escalation" label={t('notify.policy.editor.inheritEscalation')} inherited={route.escalation === null} onInherit={(on) => set({ escalation: on ? null : [] })}>
        <Escalation route={route} prefix={prefix} context={context} onChange={(escalation) => set({ escalation })} domId={domId} />
      </Inheritable>
      <Problem id={domId('routes')} text={context.problems[`${prefix}routes`]} />
      {route.routes.map((child, index) => (
        <RouteEditor key={child.id} route={child} path={[...path, index]} siblings={route.routes.length} context={context} />
      ))}
      {path.length < MAX_DEPTH && (
        <button type="button" class="button button-small" onClick={() => set({ routes: [...route.routes, emptyRoute()] })}>
          {root ? t('notify.policy.editor.addRoute') : t('notify.policy.editor.addChild', { route: title })}
        </button>
      )}
    </fieldset>
  );
}

function Escalation(props: { route: RouteDraft; prefix: string; context: RouteEditorContext; onChange: (levels: LevelDraft[]) => void; domId: (field: string) => string }): JSX.Element {
  const levels = props.route.escalation ?? [];
  const change = (index: number, level: Partial<LevelDraft>): void => props.onChange(levels.map((current, at) => (at === index ? { ...current, ...level } : current)));
  return (
    <div class="route-escalation">
      {levels.length === 0 && <p class="muted">{t('notify.policy.editor.noEscalation')}</p>}
      {levels.map((level, index) => {
        const at = `${props.prefix}escalation[${index}]`;
        return (
          <fieldset key={level.id} class="escalation-level" data-level={index + 1}>
            <legend>{t('notify.policy.editor.level', { level: index + 1 })}</legend>
            <div class="form-grid">
              <TextField
                label={t('notify.policy.editor.after')}
                name="after"
                id={props.domId(`level-${index}-after`)}
                value={level.after}
                onInput={(after) => change(index, { after })}
                problem={problemsAt(props.context.problems, `${at}.afterMs`)}
              />
              <CheckGroup
                label={t('notify.policy.editor.thenTell')}
                name={`level-${index}-contactPoints`}
                options={props.context.contactPoints}
                chosen={level.contactPoints}
                onChange={(contactPoints) => change(index, { contactPoints })}
                problem={problemsAt(props.context.problems, `${at}.contactPoints`)}
              />
            </div>
            <Problem id={props.domId(`level-${index}`)} text={props.context.problems[at]} />
            <button type="button" class="button button-small" onClick={() => props.onChange(levels.filter((_, other) => other !== index))} aria-label={t('notify.policy.editor.removeLevelLabel', { level: index + 1 })}>
              {t('notify.policy.editor.removeLevel')}
            </button>
          </fieldset>
        );
      })}
      <Problem id={props.domId('escalation')} text={props.context.problems[`${props.prefix}escalation`]} />
      <button type="button" class="button button-small" onClick={() => props.onChange([...levels, emptyLevel()])}>
        {t('notify.policy.editor.addLevel')}
      </button>
    </div>
  );
}

const CHANNEL_LABELS: Readonly<Record<PersonalChannelName, MessageId>> = { email: 'notify.policy.editor.personalEmail', sms: 'notify.policy.editor.personalSms' };
const CHANNEL_HINTS: Readonly<Record<PersonalChannelName, MessageId>> = { email: 'notify.policy.editor.personalEmailHint', sms: 'notify.policy.editor.personalSmsHint' };

/** The default route's choice of the contact points that carry operators' own subscriptions, one per channel. */
function PersonalDelivery(props: { route: RouteDraft; context: RouteEditorContext; onChange: (delivery: RouteDraft['personalDelivery']) => void }): JSX.Element {
  return (
    <div class="form-grid">
      {PERSONAL_CHANNEL_NAMES.map((channel) => {
        const problem = problemsAt(props.context.problems, `personalDelivery.${channel}`);
        const chosen = props.route.personalDelivery[channel];
        const options = [...props.context.personalOptions[channel], ...(chosen !== '' && !props.context.personalOptions[channel].includes(chosen) ? [chosen] : [])];
        return (
          <div class="field" key={channel}>
            <label>
              <span class="field-label">{t(CHANNEL_LABELS[channel])}</span>
              <select
                name={`personalDelivery-${channel}`}
                value={chosen}
                onChange={(event) => props.onChange({ ...props.route.personalDelivery, [channel]: event.currentTarget.value })}
                {...(problem ? { 'aria-invalid': 'true' as const, 'aria-describedby': `personal-${channel}-error` } : {})}
              >
                <option value="">{t('notify.policy.tree.notOffered')}</option>
                {options.map((name) => (
                  <option key={name} value={name}>
                    {name}
                  </option>
                ))}
              </select>
            </label>
            <p class="field-hint">{t(CHANNEL_HINTS[channel])}</p>
            {problem && (
              <p class="field-error" id={`personal-${channel}-error`} data-field-error={`personalDelivery-${channel}`}>
                {problem}
              </p>
            )}
          </div>
        );
      })}
      <Problem id="personal-delivery" text={props.context.problems.personalDelivery} />
    </div>
  );
}

/** A child route's setting that may be inherited: a checkbox, and the inputs only when the route sets its own. */
function Inheritable(props: { root: boolean; name: string; label: string; inherited: boolean; onInherit: (on: boolean) => void; children: ComponentChildren }): JSX.Element {
  if (props.root) return <>{props.children}</>;
  return (
    <div class="route-inheritable">
      <label class="checkbox">
        <input type="checkbox" name={`inherit-${props.name}`} checked={props.inherited} onChange={(event) => props.onInherit(event.currentTarget.checked)} /> {props.label}
      </label>
      {!props.inherited && props.children}
    </div>
  );
}

function CheckGroup(props: {
  label: string;
  name: string;
  options: readonly string[];
  /** The option in words (a severity, a domain); the code stays its value. */
  words?: (option: string) => string;
  chosen: readonly string[];
  onChange: (chosen: string[]) => void;
  problem: string | undefined;
}): JSX.Element {
  const toggle = (option: string, on: boolean): void => props.onChange(on ? [...props.chosen, option] : props.chosen.filter((item) => item !== option));
  // A name no longer offered (a deleted contact point) stays visible, so the hub's objection to it has its place.
  const options = [...props.options, ...props.chosen.filter((item) => !props.options.includes(item))];
  return (
    <fieldset class="field check-group" data-field={props.name} {...(props.problem ? { 'aria-invalid': 'true' } : {})}>
      <legend class="field-label">{props.label}</legend>
      {options.length === 0 && <p class="muted small">{t('notify.policy.editor.noChoices')}</p>}
      {options.map((option) => (
        <label key={option} class="checkbox">
          <input type="checkbox" name={props.name} value={option} checked={props.chosen.includes(option)} onChange={(event) => toggle(option, event.currentTarget.checked)} /> {props.words ? props.words(option) : option}
        </label>
      ))}
      {props.problem && (
        <p class="field-error" data-field-error={props.name}>
          {props.problem}
        </p>
      )}
    </fieldset>
  );
}

function TextField(props: { label: string; name: string; id: string; value: string; placeholder?: string; onInput: (value: string) => void; problem: string | undefined }): JSX.Element {
  return (
    <div class="field">
      <label>
        <span class="field-label">{props.label}</span>
        <input
          name={props.name}
          autoComplete="off"
          spellcheck={false}
          value={props.value}
          placeholder={props.placeholder}
          onInput={(event) => props.onInput(event.currentTarget.value)}
          {...(props.problem ? { 'aria-invalid': 'true' as const, 'aria-describedby': `${props.id}-error` } : {})}
        />
      </label>
      {props.problem && (
        <p class="field-error" id={`${props.id}-error`} data-field-error={props.name}>
          {props.problem}
        </p>
      )}
    </div>
  );
}

function Problem(props: { id: string; text: string | undefined }): JSX.Element | null {
  if (!props.text) return null;
  return (
    <p class="field-error" id={`${props.id}-error`}>
      {props.text}
    </p>
  );
}
