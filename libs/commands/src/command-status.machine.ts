import { type CommandStatus, FINAL_COMMAND_STATUSES } from '@hub/api-types';

/** What can happen to a command after it was queued. */
export type CommandEvent =
  | { readonly kind: 'sent' }
  | { readonly kind: 'delivered' }
  | { readonly kind: 'replied'; readonly ok: true; readonly result: unknown }
  | { readonly kind: 'replied'; readonly ok: false; readonly error: string }
  | { readonly kind: 'expired'; readonly reason: string };

/** The fields the status machine changes. */
export interface CommandProgress {
  readonly status: CommandStatus;
  readonly sentAt: number | null;
  readonly deliveredAt: number | null;
  readonly finishedAt: number | null;
  readonly result: unknown;
  readonly error: string | null;
}

export function isFinal(status: CommandStatus): boolean {
  return FINAL_COMMAND_STATUSES.includes(status);
}

/**
 * queued → sent → delivered → succeeded | failed, and any open status → expired. The next progress, or null when
 * the event does not apply (it changes nothing, e.g. a PUBACK for a command already answered, or a second reply):
 *
 * - `sent` again on a sent or delivered command (resent after a reconnect or a restart) keeps its first times and
 *   status: a PUBACK already seen still counts.
 * - A reply may come before its PUBACK is seen (a clean session's PUBACK is not always traceable): it finishes the
 *   command from sent too, and marks it delivered at the same time.
 * - A queued command cannot be replied to: the device never got it (a reply naming it is someone's mistake).
 */
export function applyCommandEvent<T extends CommandProgress>(command: T, event: CommandEvent, now: number): T | null {
  if (isFinal(command.status)) return null;
  switch (event.kind) {
    case 'sent':
      if (command.status !== 'queued') return null;
      return { ...command, status: 'sent', sentAt: now };
    case 'delivered':
      if (command.status !== 'sent') return null;
      return { ...command, status: 'delivered', deliveredAt: now };
    case 'replied': {
      if (command.status === 'queued') return null;
      const deliveredAt = command.deliveredAt ?? now;
      return event.ok
        ? { ...command, status: 'succeeded', deliveredAt, finishedAt: now, result: event.result, error: null }
        : { ...command, status: 'failed', deliveredAt, finishedAt: now, result: null, error: event.error };
    }
    case 'expired':
      return { ...command, status: 'expired', finishedAt: now, error: event.reason };
  }
}
