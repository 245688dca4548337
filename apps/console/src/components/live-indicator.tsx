import type { JSX } from 'preact';
import { type MessageId, t } from '../i18n/i18n';
import { useLiveStatus } from '../live/live-feed';

const TEXT = { connecting: 'live.connecting', live: 'live.live', reconnecting: 'live.reconnecting' } as const satisfies Record<string, MessageId>;

/** Whether changes arrive by themselves; when not, the operator knows to reload before trusting the screen. */
export function LiveIndicator(): JSX.Element {
  const status = useLiveStatus();
  return (
    <span
      class={`live live-${status}`}
      role="status"
      data-live={status}
      title={t(status === 'live' ? 'live.liveTitle' : 'live.notLiveTitle')}
    >
      <span class="dot" aria-hidden="true" />
      {t(TEXT[status])}
    </span>
  );
}
