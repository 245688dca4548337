import type { JSX } from 'preact';
import type { DeviceStatus } from '../fleet/device-status';
import { t } from '../i18n/i18n';

export function DeviceStatusBadge(props: { status: DeviceStatus; detail?: string }): JSX.Element {
  return (
    <span class={`badge badge-${props.status}`} data-status={props.status} title={props.detail}>
      <span class="dot" aria-hidden="true" />
      {t(`badge.status.${props.status}`)}
    </span>
  );
}

export function Pill(props: { tone: 'critical' | 'warning' | 'info' | 'ok' | 'muted'; children: string | number; title?: string }): JSX.Element {
  return (
    <span class={`pill pill-${props.tone}`} title={props.title}>
      {props.children}
    </span>
  );
}
