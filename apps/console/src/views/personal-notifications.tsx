import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { PersonalChannelName, PersonalNotificationsView, SubscribableRouteView } from '@hub/api-types';
import { hubApi } from '../api/hub-api';
import { ApiError } from '../api/http';
import { FieldError, invalidProps } from '../components/field-error';
import { ErrorNotice, Loading } from '../components/states';
import { useResource } from '../hooks/use-resource';
import { type MessageId, t } from '../i18n/i18n';

const CHANNEL_LABELS: Record<PersonalChannelName, MessageId> = { email: 'notifications.channel.email', sms: 'notifications.channel.sms' };

/** What a route can take, in words: "gas; Ashford". */
function reachText(route: SubscribableRouteView): string {
  const domains = route.domains === null ? t('notifications.everyDomain') : route.domains.join(', ');
  const towns = route.towns === null ? t('notifications.everyTown') : route.towns.join(', ');
  return `${domains}; ${towns}`;
}

/**
 * An operator's own way to hear of alerts: their email address and phone, and the named routes of the county's
 * notification policies they follow. The hub sends them only what their scope covers.
 */
export function PersonalNotifications(): JSX.Element {
  const settings = useResource((signal) => hubApi.myNotifications(signal), []);
  if (settings.error && !settings.data) return <ErrorNotice error={settings.error} onRetry={settings.reload} />;
  if (!settings.data) return <Loading what={t('notifications.loading')} />;
  return <PersonalNotificationsForm initial={settings.data} />;
}

function PersonalNotificationsForm(props: { initial: PersonalNotificationsView }): JSX.Element {
  const [view, setView] = useState(props.initial);
  const [email, setEmail] = useState(view.email ?? '');
  const [phone, setPhone] = useState(view.phone ?? '');
  const [chosen, setChosen] = useState<Record<string, PersonalChannelName[]>>({});
  const [fields, setFields] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<Error | undefined>();
  const [done, setDone] = useState('');
  useEffect(() => setChosen(Object.fromEntries(view.subscriptions.map((subscription) => [subscription.route, [...subscription.channels]]))), [view]);

  const toggle = (route: string, channel: PersonalChannelName, on: boolean): void => {
    const current = chosen[route] ?? [];
    setChosen({ ...chosen, [route]: on ? [...current.filter((item) => item !== channel), channel] : current.filter((item) => item !== channel) });
  };
  const subscriptions = Object.entries(chosen)
    .filter(([, channels]) => channels.length > 0)
    .map(([route, channels]) => ({ route, channels: (['email', 'sms'] as const).filter((channel) => channels.includes(channel)) }));

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    setFields({});
    setFailure(undefined);
    setDone('');
    try {
      const saved = await hubApi.saveMyNotifications({ email: email.trim() === '' ? null : email.trim(), phone: phone.trim() === '' ? null : phone.trim(), subscriptions });
      setView(saved);
      setDone(saved.subscriptions.length === 0 ? t('notifications.savedNone') : t('notifications.saved', { routes: saved.subscriptions.map((subscription) => subscription.route).join(', ') }));
    } catch (error) {
      const problem = error instanceof Error ? error : new Error(String(error));
      setFailure(problem);
      if (problem instanceof ApiError) setFields(problem.fields);
    }
  };
  // A problem with the n-th subscription sent is shown on its route's row.
  const rowProblems = (route: string): string[] => {
    const index = subscriptions.findIndex((subscription) => subscription.route === route);
    return index < 0 ? [] : Object.entries(fields).filter(([field]) => field.startsWith(`subscriptions[${index}]`)).map(([, problem]) => problem);
  };

  return (
    <form class="card" onSubmit={(event) => void submit(event)} noValidate aria-labelledby="notifications-title">
      <h2 class="card-title" id="notifications-title">
        {t('notifications.title')}
      </h2>
      <p class="muted small">{t('notifications.intro')}</p>
      <div class="form-grid">
        <div class="field">
          <label>
            <span class="field-label">{t('notifications.email')}</span>
            <input name="email" type="email" autoComplete="email" value={email} onInput={(event) => setEmail(event.currentTarget.value)} {...invalidProps(fields, 'email')} />
          </label>
          <FieldError fields={fields} path="email" />
        </div>
        <div class="field">
          <label>
            <span class="field-label">{t('notifications.phone')}</span>
            <input name="phone" type="tel" autoComplete="tel" value={phone} onInput={(event) => setPhone(event.currentTarget.value)} {...invalidProps(fields, 'phone')} />
          </label>
          <p class="field-hint">{t('notifications.phoneHint')}</p>
          <FieldError fields={fields} path="phone" />
        </div>
      </div>
      {view.routes.length === 0 ? (
        <p class="muted">{t('notifications.noNamedRoutes')}</p>
      ) : (
        <table class="table" aria-label={t('notifications.routesLabel')}>
          <thead>
            <tr>
              <th scope="col">{t('notifications.route')}</th>
              <th scope="col">{t('notifications.takes')}</th>
              {(['email', 'sms'] as const).map((channel) => (
                <th scope="col" key={channel}>
                  {t(CHANNEL_LABELS[channel])}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {view.routes.map((route) => {
              const problems = rowProblems(route.name);
              return (
                <tr key={route.name} data-route={route.name}>
                  <th scope="row">
                    {route.name}
                    {problems.map((problem) => (
                      <p class="field-error" role="alert" key={problem}>
                        {problem}
                      </p>
                    ))}
                  </th>
                  <td>
                    {reachText(route)}
                    {!route.inScope && <span class="muted small">{t('notifications.outsideScope')}</span>}
                  </td>
                  {(['email', 'sms'] as const).map((channel) => {
                    const offered = view.channelsOffered.includes(channel);
                    return (
                      <td key={channel}>
                        <input
                          type="checkbox"
                          aria-label={t('notifications.checkbox', { channel: t(CHANNEL_LABELS[channel]), route: route.name })}
                          title={!offered ? t('notifications.notOffered', { channel: t(CHANNEL_LABELS[channel]) }) : !route.inScope ? t('notifications.routeOutside') : undefined}
                          disabled={!offered || !route.inScope}
                          checked={(chosen[route.name] ?? []).includes(channel)}
                          onChange={(event) => toggle(route.name, channel, event.currentTarget.checked)}
                        />
                      </td>
                    );
                  })}
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {failure && Object.keys(fields).length === 0 && <ErrorNotice error={failure} compact />}
      <div class="action-buttons">
        <button type="submit" class="button button-primary">
          {t('notifications.save')}
        </button>
      </div>
      <div role="status" aria-live="polite">
        {done && <p class="action-status">{done}</p>}
      </div>
    </form>
  );
}
