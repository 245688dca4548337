import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { hubApi } from '../api/hub-api';
import { ApiError } from '../api/http';
import { hasRole, useMe } from '../auth/session';
import { Pill } from '../components/badges';
import { ErrorNotice, Loading } from '../components/states';
import { Time } from '../components/time';
import { useResource } from '../hooks/use-resource';
import { t } from '../i18n/i18n';

/** Desired configuration (operators set it) next to what the device reports it applied, marked when they differ. */
export function DeviceConfigPanel(props: { deviceId: string }): JSX.Element {
  const me = useMe();
  const config = useResource((signal) => hubApi.deviceConfig(props.deviceId, signal), [props.deviceId], { refreshMs: 10_000 });
  const view = config.data;
  return (
    <section class="card" aria-labelledby="device-config">
      <div class="card-header">
        <h2 id="device-config" class="card-title">
          {t('device.config.title')} {view?.differs && <Pill tone="warning" title={t('device.config.differsTitle')}>{t('device.config.differs')}</Pill>}
        </h2>
      </div>
      {config.loading && <Loading what={t('device.config.loading')} />}
      {config.error && !view && <ErrorNotice error={config.error} onRetry={config.reload} compact />}
      {view && (
        <div class="config-columns" data-differs={view.differs ? 'true' : 'false'}>
          <div>
            <h3 class="card-subtitle">{t('device.config.desired')}</h3>
            {view.desired === null ? <p class="muted">{t('device.config.noneSet')}</p> : <pre data-config="desired">{JSON.stringify(view.desired, null, 2)}</pre>}
            {view.desiredAt !== null && (
              <p class="muted">
                {t('device.config.by', { name: view.desiredBy })} · <Time value={view.desiredAt} />
              </p>
            )}
          </div>
          <div>
            <h3 class="card-subtitle">{t('device.config.reported')}</h3>
            {view.reported === null ? <p class="muted">{t('device.config.notReported')}</p> : <pre data-config="reported">{JSON.stringify(view.reported, null, 2)}</pre>}
            {view.reportedAt !== null && (
              <p class="muted">
                <Time value={view.reportedAt} />
              </p>
            )}
          </div>
        </div>
      )}
      {view && hasRole(me, 'operator') && <DesiredForm deviceId={props.deviceId} current={view.desired} onSaved={config.reload} />}
    </section>
  );
}

function DesiredForm(props: { deviceId: string; current: unknown; onSaved: () => void }): JSX.Element {
  const [text, setText] = useState(props.current === null ? '{"intervalS": 30}' : JSON.stringify(props.current));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | undefined>();

  const save = async (): Promise<void> => {
    let desired: unknown;
    try {
      desired = JSON.parse(text) as unknown;
    } catch {
      setError(new ApiError(400, t('device.config.notJson')));
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await hubApi.setDeviceConfig(props.deviceId, desired);
      props.onSaved();
    } catch (failure) {
      setError(failure instanceof Error ? failure : new Error(String(failure)));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      class="command-form"
      aria-label={t('device.config.formLabel')}
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
    >
      <label>
        {t('device.config.field')}
        <input name="desired" value={text} onInput={(event) => setText(event.currentTarget.value)} />
      </label>
      <button type="submit" class="button" disabled={busy}>
        {t('device.config.submit')}
      </button>
      {error && <ErrorNotice error={error} compact />}
    </form>
  );
}
