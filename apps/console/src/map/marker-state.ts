import type { Severity } from '@hub/api-types';
import type { DeviceStatus } from '../fleet/device-status';

/**
 * A device's colour on the map: the worst severity of its open alerts, else how it reports (the fleet's
 * deviceStatus). A critical or warning alert outranks offline — it says what is wrong where, and an alert's device
 * that then went silent must not fade to grey — while offline outranks an info alert, and quiet and ok come last.
 */
export type MarkerState = 'critical' | 'warning' | 'offline' | 'info' | 'quiet' | 'ok';

/** Worst first. */
export const MARKER_STATES: readonly MarkerState[] = ['critical', 'warning', 'offline', 'info', 'quiet', 'ok'];

export function markerState(status: DeviceStatus, worstAlert: Severity | undefined): MarkerState {
  if (worstAlert === 'critical' || worstAlert === 'warning') return worstAlert;
  if (status === 'offline') return 'offline';
  if (worstAlert === 'info') return 'info';
  return status === 'quiet' ? 'quiet' : 'ok';
}

/** A cluster shows the worst state among its devices, so one critical meter is not hidden by 40 healthy ones. */
export function worstMarkerState(states: Iterable<MarkerState>): MarkerState {
  let worst = MARKER_STATES.length - 1;
  for (const state of states) worst = Math.min(worst, MARKER_STATES.indexOf(state));
  return MARKER_STATES[worst];
}
