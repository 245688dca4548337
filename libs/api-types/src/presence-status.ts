/**
 * How a device is doing as the fleet and the overview count it. `offline`: the broker says it is not connected (its
 * last will fired, or it never came back after a restart). `quiet`: connected, but nothing heard for a while — a hung
 * meter or a lost route often looks like this. `online`: connected and reporting. Spelt once here, so the hub's
 * overview and the console's fleet page call the same device the same thing.
 */
export type PresenceStatus = 'online' | 'quiet' | 'offline';

/** Connected but silent for this long counts as quiet. */
export const QUIET_AFTER_MS = 10 * 60_000;

export function presenceStatus(device: { readonly online: boolean; readonly lastSeen: number | null }, now: number): PresenceStatus {
  if (!device.online) return 'offline';
  return now - (device.lastSeen ?? 0) > QUIET_AFTER_MS ? 'quiet' : 'online';
}
