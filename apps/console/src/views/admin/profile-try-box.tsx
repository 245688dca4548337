import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import type { DeviceProfileView, ProfileTryResult } from '@hub/api-types';
import { ApiError } from '../../api/http';
import { hubApi } from '../../api/hub-api';
import { ErrorNotice } from '../../components/states';
import { t } from '../../i18n/i18n';
import { type ProfileDraft, SAMPLE_ENCODINGS, type SampleEncoding, tryRequest } from '../../profiles/profile-draft';

const metricsText = (metrics: Readonly<Record<string, number>>): string =>
  Object.entries(metrics)
    .map(([name, value]) => `${name} = ${value}`)
    .join(', ');

/**
 * "Try it": one payload (a saved sample, or typed) through what is on screen — the saved profile when the draft
 * decodes as it does, else the draft — and the contract's validation. The hub stores nothing.
 */
export function ProfileTryBox(props: { draft: ProfileDraft; saved: DeviceProfileView | undefined }): JSX.Element {
  const [sample, setSample] = useState('');
  const [input, setInput] = useState<{ payload: string; encoding: SampleEncoding; fPort: string }>({ payload: '', encoding: 'text', fPort: '' });
  const [result, setResult] = useState<{ outcome: ProfileTryResult; against: 'saved' | 'draft' } | undefined>();
  const [problem, setProblem] = useState<{ failure: Error; lines: string[] } | undefined>();
  const [busy, setBusy] = useState(false);

  const pick = (value: string): void => {
    setSample(value);
    const chosen = value === '' ? undefined : props.draft.samples[Number(value)];
    if (chosen) setInput({ payload: chosen.payload, encoding: chosen.encoding, fPort: chosen.fPort });
  };

  const run = async (event: Event): Promise<void> => {
    event.preventDefault();
    setProblem(undefined);
    setResult(undefined);
    const request = tryRequest(props.draft, props.saved, input);
    if ('problems' in request) {
      setProblem({ failure: new Error(t('admin.profiles.draftNotJson')), lines: Object.entries(request.problems).map(([field, text]) => `${field}: ${text}`) });
      return;
    }
    setBusy(true);
    try {
      const outcome = request.kind === 'saved' ? await hubApi.testDeviceProfile(request.id, request.body) : await hubApi.tryDeviceProfile(request.body);
      setResult({ outcome, against: request.kind });
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      setProblem({ failure, lines: failure instanceof ApiError ? Object.entries(failure.fields).map(([field, text]) => `${field}: ${text}`) : [] });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="profile-try" onSubmit={(event) => void run(event)} noValidate aria-label={t('admin.profiles.tryIt')}>
      <h3 class="card-subtitle">{t('admin.profiles.tryIt')}</h3>
      <div class="form-grid">
        <div class="field">
          <label>
            <span class="field-label">{t('admin.profiles.sample')}</span>
            <select name="sample" value={sample} onChange={(event) => pick(event.currentTarget.value)}>
              <option value="">{t('admin.profiles.typedBelow')}</option>
              {props.draft.samples.map((entry, index) => (
                <option key={index} value={String(index)}>
                  {entry.name || t('admin.profiles.sampleNumber', { number: index + 1 })}
                </option>
              ))}
            </select>
          </label>
        </div>
        <div class="field">
          <label>
            <span class="field-label">{t('admin.profiles.encoding')}</span>
            <select name="tryEncoding" value={input.encoding} onChange={(event) => setInput({ ...input, encoding: event.currentTarget.value as SampleEncoding })}>
              {SAMPLE_ENCODINGS.map((encoding) => (
                <option key={encoding} value={encoding}>
                  {encoding}
                </option>
              ))}
            </select>
          </label>
        </div>
        <div class="field">
          <label>
            <span class="field-label">{t('admin.profiles.fPort')}</span>
            <input name="tryFPort" class="input-number" inputMode="numeric" value={input.fPort} onInput={(event) => setInput({ ...input, fPort: event.currentTarget.value })} />
          </label>
        </div>
      </div>
      <div class="field">
        <label>
          <span class="field-label">{t('admin.profiles.payload')}</span>
          <textarea name="tryPayload" class="code-input" rows={3} spellcheck={false} value={input.payload} onInput={(event) => setInput({ ...input, payload: event.currentTarget.value })} />
        </label>
      </div>
      <div class="action-buttons">
        <button type="submit" class="button" disabled={busy}>
          {t('admin.profiles.tryIt')}
        </button>
      </div>
      {problem && (
        <div class="try-problem">
          <ErrorNotice error={problem.failure} compact />
          {problem.lines.length > 0 && (
            <ul class="field-error" data-field-error="try">
              {problem.lines.map((line) => (
                <li key={line}>{line}</li>
              ))}
            </ul>
          )}
        </div>
      )}
      {result && <TryResult outcome={result.outcome} against={result.against} />}
    </form>
  );
}

function TryResult(props: { outcome: ProfileTryResult; against: 'saved' | 'draft' }): JSX.Element {
  const { outcome } = props;
  const rows = [
    ...outcome.decoded.map((reading, index) => ({ kind: 'decoded' as const, index, ts: reading.ts, seq: reading.seq, what: metricsText(reading.metrics) })),
    ...outcome.accepted.map((reading, index) => ({ kind: 'accepted' as const, index, ts: reading.ts, seq: reading.seq, what: metricsText(reading.metrics) })),
    ...outcome.rejections.map((rejection, index) => ({ kind: 'rejected' as const, index: rejection.index ?? index, ts: undefined, seq: undefined, what: `${rejection.reason}: ${rejection.detail}` })),
  ];
  return (
    <div class="try-result" role="status" aria-label={t('admin.profiles.tryResult')} data-against={props.against}>
      <p class="muted small">{props.against === 'saved' ? t('admin.profiles.triedSaved') : t('admin.profiles.triedDraft')}</p>
      {outcome.refused && (
        <p class="notice notice-error notice-compact try-refused" data-reason={outcome.refused.reason}>
          <strong>{outcome.refused.reason}</strong> <span class="try-refused-detail">{outcome.refused.detail}</span>
        </p>
      )}
      {outcome.warnings.length > 0 && (
        <ul class="try-warnings" aria-label={t('admin.profiles.warnings')}>
          {outcome.warnings.map((warning) => (
            <li key={warning}>{warning}</li>
          ))}
        </ul>
      )}
      {rows.length > 0 && (
        <div class="table-scroll">
          <table class="table try-table">
            <thead>
              <tr>
                <th scope="col">{t('admin.profiles.step')}</th>
                <th scope="col" class="numeric">
                  #
                </th>
                <th scope="col">{t('admin.profiles.eventTime')}</th>
                <th scope="col" class="numeric">
                  {t('admin.profiles.seq')}
                </th>
                <th scope="col">{t('admin.profiles.metricsOrReason')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={`${row.kind}-${row.index}`} data-kind={row.kind} data-index={row.index}>
                  <td>{t(`admin.profiles.stepKind.${row.kind}`)}</td>
                  <td class="numeric">{row.index}</td>
                  <td data-cell="ts">{row.ts === undefined ? '—' : new Date(row.ts).toISOString()}</td>
                  <td class="numeric" data-cell="seq">
                    {row.seq ?? '—'}
                  </td>
                  <td data-cell="what">{row.what}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
