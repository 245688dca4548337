import type { ComponentChildren, JSX } from 'preact';
import { PERSONAL_CHANNEL_NAMES, type PersonalChannelName, SEVERITIES, type Severity } from '@hub/api-types';
import { emptyLevel, emptyRoute, type LevelDraft, type Problems, problemsAt, type RouteDraft, routePrefix, routeTitle } from '../../notification-policies/policy-draft';

/** The hub allows child routes 4 levels deep. */
const MAX_DEPTH = 4;

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
  const title = root ? 'Default route' : routeTitle(path.map((index) => index + 1), route);
  const set = (change: Partial<RouteDraft>): void => context.change(path, (current) => ({ ...current, ...change }));
  const at = (field: string): string | undefined => problemsAt(context.problems, `${prefix}${field}`);
  const domId = (field: string): string => `route-${path.join('-') || 'default'}-${field}`;

  return (
    <fieldset class="route-editor" data-route-editor={root ? 'default' : path.map((index) => index + 1).join('.')}>
      <legend>{title}</legend>
      {!root && (
        <div class="action-buttons route-editor-actions">
          <button type="button" class="button button-small" disabled={path[path.length - 1] === 0} onClick={() => context.move(path, -1)} aria-label={`Move ${title} up`}>
            Move up
          </button>
          <button type="button" class="button button-small" disabled={path[path.length - 1] === props.siblings - 1} onClick={() => context.move(path, 1)} aria-label={`Move ${title} down`}>
            Move down
          </button>
          <button type="button" class="button button-small button-danger" onClick={() => context.remove(path)} aria-label={`Remove ${title}`}>
            Remove route
          </button>
        </div>
      )}
      {root && <PersonalDelivery route={route} context={context} onChange={(personalDelivery) => set({ personalDelivery })} />}
      {!root && (
        <div class="form-grid">
          <TextField
            label="Name (optional: operators subscribe to it)"
            name="routeName"
            id={domId('name')}
            value={route.name}
            placeholder="gas-critical"
            onInput={(name) => set({ name })}
            problem={at('name')}
          />
          <CheckGroup label="Domains (none ticked: any)" name="domains" options={context.domains} chosen={route.domains} onChange={(domains) => set({ domains })} problem={at('matchers.domains')} />
          <CheckGroup
            label="Severities (none ticked: any)"
            name="severities"
            options={SEVERITIES}
            chosen={route.severities}
            onChange={(severities) => set({ severities: severities as Severity[] })}
            problem={at('matchers.severities')}
          />
          <TextField label="Towns (comma-separated; empty: any)" name="towns" id={domId('towns')} value={route.towns} onInput={(towns) => set({ towns })} problem={at('matchers.towns')} />
          <TextField label="Rule ids (comma-separated; empty: any)" name="ruleIds" id={domId('rule-ids')} value={route.ruleIds} onInput={(ruleIds) => set({ ruleIds })} problem={at('matchers.ruleIds')} />
          <Problem id={domId('matchers')} text={context.problems[`${prefix}matchers`]} />
          <div class="field">
            <label class="checkbox">
              <input type="checkbox" name="continue" checked={route.continue} onChange={(event) => set({ continue: event.currentTarget.checked })} /> Continue: after this route, keep
              trying the next ones (the alert goes to every route it matches)
            </label>
          </div>
        </div>
      )}
      <Inheritable root={root} label="contact points" inherited={route.contactPoints === null} onInherit={(on) => set({ contactPoints: on ? null : [] })}>
        <CheckGroup label="Contact points" name="contactPoints" options={context.contactPoints} chosen={route.contactPoints ?? []} onChange={(contactPoints) => set({ contactPoints })} problem={at('contactPoints')} />
      </Inheritable>
      <div class="form-grid">
        <TextField label="Group wait (minutes)" name="groupWait" id={domId('group-wait')} value={route.groupWait} placeholder={root ? 'default 0.5' : 'inherit'} onInput={(groupWait) => set({ groupWait })} problem={at('groupWaitMs')} />
        <TextField
          label="Group interval (minutes)"
          name="groupInterval"
          id={domId('group-interval')}
          value={route.groupInterval}
          placeholder={root ? 'default 5' : 'inherit'}
          onInput={(groupInterval) => set({ groupInterval })}
          problem={at('groupIntervalMs')}
        />
        <TextField label="Repeat every (minutes; 0: never)" name="repeat" id={domId('repeat')} value={route.repeat} placeholder={root ? 'default 240' : 'inherit'} onInput={(repeat) => set({ repeat })} problem={at('repeatIntervalMs')} />
        <div class="field">
          <label>
            <span class="field-label">Quiet hours</span>
            <select name="quietHours" value={route.quietHours} onChange={(event) => set({ quietHours: event.currentTarget.value as RouteDraft['quietHours'] })}>
              {!root && <option value="inherit">as the parent’s</option>}
              <option value="none">none</option>
              <option value="set">hold non-critical messages…</option>
            </select>
          </label>
        </div>
        {route.quietHours === 'set' && (
          <>
            <TextField label="Quiet from (HH:MM)" name="quietStart" id={domId('quiet-start')} value={route.quietStart} onInput={(quietStart) => set({ quietStart })} problem={at('quietHours.start')} />
            <TextField label="Quiet until (HH:MM)" name="quietEnd" id={domId('quiet-end')} value={route.quietEnd} onInput={(quietEnd) => set({ quietEnd })} problem={at('quietHours.end')} />
            <TextField label="Time zone" name="quietTimeZone" id={domId('quiet-zone')} value={route.quietTimeZone} placeholder="the county’s" onInput={(quietTimeZone) => set({ quietTimeZone })} problem={at('quietHours.timeZone')} />
          </>
        )}
        <Problem id={domId('quiet')} text={context.problems[`${prefix}quietHours`]} />
      </div>
      <Inheritable root={root} label="escalation" inherited={route.escalation === null} onInherit={(on) => set({ escalation: on ? null : [] })}>
        <Escalation route={route} prefix={prefix} context={context} onChange={(escalation) => set({ escalation })} domId={domId} />
      </Inheritable>
      <Problem id={domId('routes')} text={context.problems[`${prefix}routes`]} />
      {route.routes.map((child, index) => (
        <RouteEditor key={child.id} route={child} path={[...path, index]} siblings={route.routes.length} context={context} />
      ))}
      {path.length < MAX_DEPTH && (
        <button type="button" class="button button-small" onClick={() => set({ routes: [...route.routes, emptyRoute()] })}>
          {root ? 'Add route' : `Add child route to ${title}`}
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
      {levels.length === 0 && <p class="muted">No escalation: nobody else is told when nobody acknowledges.</p>}
      {levels.map((level, index) => {
        const at = `${props.prefix}escalation[${index}]`;
        return (
          <fieldset key={level.id} class="escalation-level" data-level={index + 1}>
            <legend>Escalation level {index + 1}</legend>
            <div class="form-grid">
              <TextField
                label="After (minutes unacknowledged)"
                name="after"
                id={props.domId(`level-${index}-after`)}
                value={level.after}
                onInput={(after) => change(index, { after })}
                problem={problemsAt(props.context.problems, `${at}.afterMs`)}
              />
              <CheckGroup
                label="Then tell"
                name={`level-${index}-contactPoints`}
                options={props.context.contactPoints}
                chosen={level.contactPoints}
                onChange={(contactPoints) => change(index, { contactPoints })}
                problem={problemsAt(props.context.problems, `${at}.contactPoints`)}
              />
            </div>
            <Problem id={props.domId(`level-${index}`)} text={props.context.problems[at]} />
            <button type="button" class="button button-small" onClick={() => props.onChange(levels.filter((_, other) => other !== index))} aria-label={`Remove escalation level ${index + 1}`}>
              Remove level
            </button>
          </fieldset>
        );
      })}
      <Problem id={props.domId('escalation')} text={props.context.problems[`${props.prefix}escalation`]} />
      <button type="button" class="button button-small" onClick={() => props.onChange([...levels, emptyLevel()])}>
        Add escalation level
      </button>
    </div>
  );
}

const CHANNEL_LABELS: Readonly<Record<PersonalChannelName, string>> = { email: 'Operators’ own email goes through', sms: 'Operators’ own SMS go through' };

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
              <span class="field-label">{CHANNEL_LABELS[channel]}</span>
              <select
                name={`personalDelivery-${channel}`}
                value={chosen}
                onChange={(event) => props.onChange({ ...props.route.personalDelivery, [channel]: event.currentTarget.value })}
                {...(problem ? { 'aria-invalid': 'true' as const, 'aria-describedby': `personal-${channel}-error` } : {})}
              >
                <option value="">not offered</option>
                {options.map((name) => (
                  <option key={name} value={name}>
                    {name}
                  </option>
                ))}
              </select>
            </label>
            <p class="field-hint">{channel === 'email' ? 'an email contact point: its server sends to each operator’s own address' : 'an SMS contact point: its gateway sends to each operator’s own phone'}</p>
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
function Inheritable(props: { root: boolean; label: string; inherited: boolean; onInherit: (on: boolean) => void; children: ComponentChildren }): JSX.Element {
  if (props.root) return <>{props.children}</>;
  return (
    <div class="route-inheritable">
      <label class="checkbox">
        <input type="checkbox" name={`inherit-${props.label}`} checked={props.inherited} onChange={(event) => props.onInherit(event.currentTarget.checked)} /> Same {props.label} as the parent route
      </label>
      {!props.inherited && props.children}
    </div>
  );
}

function CheckGroup(props: { label: string; name: string; options: readonly string[]; chosen: readonly string[]; onChange: (chosen: string[]) => void; problem: string | undefined }): JSX.Element {
  const toggle = (option: string, on: boolean): void => props.onChange(on ? [...props.chosen, option] : props.chosen.filter((item) => item !== option));
  // A name no longer offered (a deleted contact point) stays visible, so the hub's objection to it has its place.
  const options = [...props.options, ...props.chosen.filter((item) => !props.options.includes(item))];
  return (
    <fieldset class="field check-group" data-field={props.name} {...(props.problem ? { 'aria-invalid': 'true' } : {})}>
      <legend class="field-label">{props.label}</legend>
      {options.length === 0 && <p class="muted small">none to choose from</p>}
      {options.map((option) => (
        <label key={option} class="checkbox">
          <input type="checkbox" name={props.name} value={option} checked={props.chosen.includes(option)} onChange={(event) => toggle(option, event.currentTarget.checked)} /> {option}
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
