/**
 * queued: stored, waiting for the device to be connected and subscribed to its commands topic. sent: published to
 * the device at QoS 1. delivered: the device acknowledged it (PUBACK). succeeded / failed: the device replied on its
 * commands/reply topic. expired: its expiry passed before a reply.
 */
export const COMMAND_STATUSES = ['queued', 'sent', 'delivered', 'succeeded', 'failed', 'expired'] as const;
export type CommandStatus = (typeof COMMAND_STATUSES)[number];

/** Statuses a command does not leave. */
export const FINAL_COMMAND_STATUSES: readonly CommandStatus[] = ['succeeded', 'failed', 'expired'];

/** The body of POST /api/devices/{id}/commands. */
export interface NewCommandBody {
  /** What to do, e.g. `set-interval`: lower-case letters, digits, `-`, `_`, `.`; 1–64 characters. */
  readonly name: string;
  /** Any JSON value the command takes (default `{}`), at most 16 KiB as JSON. */
  readonly args?: unknown;
  /** How long the command may wait for its reply: a duration (`30s`, `5m`, `1h`) or milliseconds; default 1 h, 1 s … 7 d. */
  readonly expiresIn?: string | number;
}

/** A command as GET /api/devices/{id}/commands shows it (times are epoch ms). */
export interface CommandView {
  readonly id: string;
  readonly deviceId: string;
  readonly domain: string;
  readonly name: string;
  readonly args: unknown;
  readonly status: CommandStatus;
  readonly createdAt: number;
  readonly createdBy: string;
  readonly expiresAt: number;
  readonly sentAt: number | null;
  readonly deliveredAt: number | null;
  readonly finishedAt: number | null;
  /** What the device answered with `ok: true` (null when it sent none). */
  readonly result: unknown;
  /** The device's error text (failed), or why the command expired. */
  readonly error: string | null;
}

/** GET /api/devices/{id}/config: what operators want the device to run with and what it says it applied. */
export interface DeviceConfigView {
  readonly deviceId: string;
  /** Null until someone sets it. */
  readonly desired: Readonly<Record<string, unknown>> | null;
  readonly desiredAt: number | null;
  readonly desiredBy: string | null;
  /** Null until the device reports. */
  readonly reported: Readonly<Record<string, unknown>> | null;
  readonly reportedAt: number | null;
  /** True when both exist and differ (compared as JSON with sorted keys), or only desired exists. */
  readonly differs: boolean;
}
