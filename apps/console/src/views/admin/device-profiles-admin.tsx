import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import type { DeviceProfileView } from '@hub/api-types';
import { hubApi } from '../../api/hub-api';
import { Empty, ErrorNotice, Loading } from '../../components/states';
import { useResource } from '../../hooks/use-resource';
import { currentLanguage, t } from '../../i18n/i18n';
import { DeviceProfileEditor } from './device-profile-editor';

/** Which profile the editor shows: a new one, a saved one by id, or none (the list alone). */
type Editing = { readonly kind: 'new' } | { readonly kind: 'saved'; readonly id: string } | undefined;

/**
 * Device profiles as county-wide admins keep them: how each vendor's payloads become readings (a JSONata mapping or
 * a pasted decodeUplink codec), what its decoder has cost so far, and a "try it" box that runs a vendor sample
 * through the draft before anything is saved.
 */
export function DeviceProfilesAdmin(): JSX.Element {
  const profiles = useResource((signal) => hubApi.deviceProfiles(signal), []);
  const [editing, setEditing] = useState<Editing>();
  const saved = editing?.kind === 'saved' ? profiles.data?.find((profile) => profile.id === editing.id) : undefined;
  return (
    <>
      <section class="card" aria-labelledby="profiles-title">
        <div class="card-header">
          <h2 class="card-title" id="profiles-title">
            {t('admin.profiles.title')}
          </h2>
          <button type="button" class="button button-primary" onClick={() => setEditing({ kind: 'new' })}>
            {t('admin.profiles.new')}
          </button>
        </div>
        {profiles.loading && <Loading what={t('admin.profiles.loading')} />}
        {!profiles.data && profiles.error && <ErrorNotice error={profiles.error} onRetry={profiles.reload} />}
        {profiles.data &&
          (profiles.data.length === 0 ? (
            <Empty title={t('admin.profiles.empty')}>{t('admin.profiles.emptyText')}</Empty>
          ) : (
            <ProfileTable profiles={profiles.data} onEdit={(id) => setEditing({ kind: 'saved', id })} />
          ))}
      </section>
      {editing?.kind === 'new' && (
        <DeviceProfileEditor
          key="new"
          onSaved={(profile) => {
            profiles.reload();
            setEditing({ kind: 'saved', id: profile.id });
          }}
          onDeleted={() => undefined}
          onClose={() => setEditing(undefined)}
        />
      )}
      {editing?.kind === 'saved' && saved && (
        <DeviceProfileEditor
          key={`${saved.id}-${saved.version}`}
          saved={saved}
          onSaved={() => profiles.reload()}
          onDeleted={() => {
            profiles.reload();
            setEditing(undefined);
          }}
          onClose={() => setEditing(undefined)}
        />
      )}
    </>
  );
}

function ProfileTable(props: { profiles: readonly DeviceProfileView[]; onEdit: (id: string) => void }): JSX.Element {
  const number = new Intl.NumberFormat(currentLanguage());
  return (
    <div class="table-scroll">
      <table class="table profiles-table">
        <thead>
          <tr>
            <th scope="col">{t('admin.profiles.profile')}</th>
            <th scope="col">{t('admin.profiles.domain')}</th>
            <th scope="col">{t('admin.profiles.decoder')}</th>
            <th scope="col" class="numeric">
              {t('admin.profiles.devices')}
            </th>
            <th scope="col" class="numeric">
              {t('admin.profiles.decoded')}
            </th>
            <th scope="col" class="numeric">
              {t('admin.profiles.refused')}
            </th>
            {/* Not "µs" in the heading: the headings are upper-cased, and an upper-case µ reads as M. */}
            <th scope="col" class="numeric">
              {t('admin.profiles.meanDecode')}
            </th>
            <th scope="col">
              <span class="visually-hidden">{t('admin.common.actions')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {props.profiles.map((profile) => (
            <tr key={profile.id} data-profile={profile.id}>
              <th scope="row">
                <code>{profile.id}</code> <span class="muted">{profile.name}</span>
              </th>
              <td>{profile.domain}</td>
              <td data-cell="decoder">{profile.decoder.kind}</td>
              <td class="numeric" data-cell="devices">
                {number.format(profile.devices)}
              </td>
              <td class="numeric" data-cell="decoded">
                {number.format(profile.decoderStats.decoded)}
              </td>
              <td class="numeric" data-cell="refused">
                {number.format(profile.decoderStats.refused)}
              </td>
              <td class="numeric" data-cell="mean">
                {profile.decoderStats.meanMicros === null ? '—' : `${number.format(profile.decoderStats.meanMicros)} µs`}
              </td>
              <td class="row-actions">
                <button type="button" class="button button-small" onClick={() => props.onEdit(profile.id)} aria-label={t('admin.common.editNamed', { name: profile.id })}>
                  {t('admin.common.edit')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
