import type { JSX } from 'preact';
import { type DeviceStatus, statusLabel } from '../fleet/device-status';

export function DeviceStatusBadge(props: { status: DeviceStatus; detail?: string }): JSX.Element {
  return (
    <span class={`badge badge-${props.status}`} data-status={props.status} title={props.detail}>
      <span class="dot" aria-hidden="true" />
      {statusLabel(props.status)}
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
