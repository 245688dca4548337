import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import type { FleetDevice } from '@hub/api-types';
import { ApiError } from '../api/http';
import { hubApi } from '../api/hub-api';
import { hasRole, useMe } from '../auth/session';
import { FieldError, invalidProps } from '../components/field-error';
import { ErrorNotice } from '../components/states';
import { useResource } from '../hooks/use-resource';
import { t } from '../i18n/i18n';
import { Link } from '../router';

type Fields = Readonly<Record<string, string>>;

/**
 * How the device's payloads become readings: its device profile (none: the hub's own JSON contract) and, for a
 * LoRaWAN device, the DevEUI the network server names it by. Admins change both here; the hub checks that the
 * profile decodes into the device's domain and that no other device holds the DevEUI.
 */
export function DeviceProfilePanel(props: { device: FleetDevice; onChanged: () => void }): JSX.Element {
  const { device } = props;
  const me = useMe();
  const admin = hasRole(me, 'admin');
  const profiles = useResource((signal) => hubApi.deviceProfiles(signal), []);
  const [profileId, setProfileId] = useState(device.profileId ?? '');
  const [devEui, setDevEui] = useState(device.devEui ?? '');
  const [fields, setFields] = useState<Fields>({});
  const [failure, setFailure] = useState<Error | undefined>();
  const [saved, setSaved] = useState(false);
  // Profiles of the device's own domain, and the one it has even if that no longer matches (so it shows).
  const choices = (profiles.data ?? []).filter((profile) => profile.domain === device.domain || profile.id === device.profileId);

  const save = async (event: Event): Promise<void> => {
    event.preventDefault();
    setFields({});
    setFailure(undefined);
    setSaved(false);
    try {
      await hubApi.updateDevice(device.deviceId, { profileId: profileId === '' ? null : profileId, devEui: devEui.trim() === '' ? null : devEui.trim() });
      setSaved(true);
      props.onChanged();
    } catch (error) {
      const failed = error instanceof Error ? error : new Error(String(error));
      const named = failed instanceof ApiError ? failed.fields : {};
      setFields(named);
      if (Object.keys(named).length === 0) setFailure(failed);
    }
  };

  return (
    <section class="card" aria-labelledby="device-payload-title">
      <h2 class="card-title" id="device-payload-title">
        {t('device.payload.title')}
      </h2>
      <dl class="facts facts-inline">
        <dt>{t('device.payload.profile')}</dt>
        <dd data-device-profile={device.profileId ?? ''}>{device.profileId ?? t('device.payload.noProfile')}</dd>
        <dt>{t('device.payload.devEui')}</dt>
        <dd data-dev-eui={device.devEui ?? ''}>{device.devEui ?? '—'}</dd>
      </dl>
      {admin && device.registered && (
        <form onSubmit={(event) => void save(event)} noValidate aria-label={t('device.payload.formLabel')}>
          <div class="form-grid">
            <div class="field">
              <label>
                <span class="field-label">{t('device.payload.profileField')}</span>
                <select name="profileId" value={profileId} onChange={(event) => setProfileId(event.currentTarget.value)} {...invalidProps(fields, 'profileId')}>
                  <option value="">{t('device.payload.noProfileOption')}</option>
                  {choices.map((profile) => (
                    <option key={profile.id} value={profile.id}>
                      {profile.id} — {profile.name}
                    </option>
                  ))}
                </select>
              </label>
              <p class="field-hint">
                {t('device.payload.profilesOf', { domain: device.domain })} <Link href="/admin/device-profiles">{t('device.payload.manageProfiles')}</Link>
              </p>
              <FieldError fields={fields} path="profileId" />
            </div>
            <div class="field">
              <label>
                <span class="field-label">{t('device.payload.devEui')}</span>
                <input name="devEui" autoComplete="off" value={devEui} onInput={(event) => setDevEui(event.currentTarget.value)} {...invalidProps(fields, 'devEui')} />
              </label>
              <p class="field-hint">{t('device.payload.devEuiHint')}</p>
              <FieldError fields={fields} path="devEui" />
            </div>
          </div>
          {profiles.error && !profiles.data && <ErrorNotice error={profiles.error} onRetry={profiles.reload} compact />}
          {failure && <ErrorNotice error={failure} compact />}
          <div class="action-buttons">
            <button type="submit" class="button button-primary">
              {t('device.payload.save')}
            </button>
            {saved && (
              <span role="status" class="muted">
                {t('device.payload.saved')}
              </span>
            )}
          </div>
        </form>
      )}
    </section>
  );
}
