import type { JSX } from 'preact';
import { formatAgo, formatDateTime, formatShort, TimeInput, toMs } from '../format/time';
import { useNow } from '../hooks/use-now';

/** A moment in local time: compact on screen, full date and time on hover and for screen readers. */
export function Time(props: { value: TimeInput; mode?: 'short' | 'full' | 'ago' }): JSX.Element {
  const now = useNow(props.mode === 'ago' ? 10_000 : 60_000);
  const ms = toMs(props.value);
  if (ms === undefined) return <span class="muted">—</span>;
  const text = props.mode === 'full' ? formatDateTime(ms) : props.mode === 'ago' ? formatAgo(ms, now) : formatShort(ms, now);
  return (
    <time dateTime={new Date(ms).toISOString()} title={formatDateTime(ms)}>
      {text}
    </time>
  );
}
