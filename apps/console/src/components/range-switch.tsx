import type { JSX } from 'preact';
import { t, type MessageId } from '../i18n/i18n';

/**
 * The last hour / day / week buttons over a chart: a radio group, the first range the default (chosen, it is stored as
 * '' so the address stays short).
 */
export function RangeSwitch<Key extends string>(props: { ranges: readonly { readonly key: Key; readonly label: MessageId }[]; value: Key; onChange: (key: Key | '') => void }): JSX.Element {
  const first = props.ranges[0]?.key;
  return (
    <div class="segmented" role="radiogroup" aria-label={t('device.timeRange')}>
      {props.ranges.map((entry) => (
        <button
          type="button"
          role="radio"
          aria-checked={entry.key === props.value}
          class={entry.key === props.value ? 'selected' : ''}
          onClick={() => props.onChange(entry.key === first ? '' : entry.key)}
          key={entry.key}
        >
          {t(entry.label)}
        </button>
      ))}
    </div>
  );
}
