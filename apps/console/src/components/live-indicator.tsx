import type { JSX } from 'preact';
import { useLiveStatus } from '../live/live-feed';

const TEXT = { connecting: 'Connecting…', live: 'Live', reconnecting: 'Reconnecting…' } as const;

/** Whether changes arrive by themselves; when not, the operator knows to reload before trusting the screen. */
export function LiveIndicator(): JSX.Element {
  const status = useLiveStatus();
  return (
    <span
      class={`live live-${status}`}
      role="status"
      data-live={status}
      title={status === 'live' ? 'Changes appear without reloading' : 'Not receiving live changes; retrying'}
    >
      <span class="dot" aria-hidden="true" />
      {TEXT[status]}
    </span>
  );
}
