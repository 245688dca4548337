/**
 * What a simulated device does with a message on its commands or config topic: pure, so it is tested without MQTT.
 * It obeys `set-interval` (`{"seconds": n}`, 1 … 3600) and a desired config's `intervalS`; any other command is
 * answered as not done.
 */
export const MIN_INTERVAL_S = 1;
export const MAX_INTERVAL_S = 3600;

export type CommandReplyMessage = { readonly id: string; readonly ok: true; readonly result: unknown } | { readonly id: string; readonly ok: false; readonly error: string };

export interface CommandOutcome {
  readonly reply: CommandReplyMessage;
  /** The reporting interval to switch to, when the command changes it. */
  readonly intervalS?: number;
}

/** The reply to a command message; null when the message carries no command id (nothing to reply to). */
export function handleCommand(payload: string): CommandOutcome | null {
  const command = parseObject(payload);
  if (command === null || typeof command.id !== 'string') return null;
  const id = command.id;
  if (command.name !== 'set-interval') return { reply: { id, ok: false, error: `unknown command ${JSON.stringify(command.name)}` } };
  const seconds = (command.args as { seconds?: unknown } | null | undefined)?.seconds;
  if (!isInterval(seconds)) return { reply: { id, ok: false, error: `args.seconds must be a whole number from ${MIN_INTERVAL_S} to ${MAX_INTERVAL_S}` } };
  return { reply: { id, ok: true, result: { intervalS: seconds } }, intervalS: seconds };
}

/** The interval a desired configuration asks for; null when it names none (or an impossible one). */
export function intervalFromConfig(payload: string): number | null {
  const config = parseObject(payload);
  return config !== null && isInterval(config.intervalS) ? config.intervalS : null;
}

function isInterval(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= MIN_INTERVAL_S && value <= MAX_INTERVAL_S;
}

function parseObject(payload: string): Record<string, unknown> | null {
  try {
    const value = JSON.parse(payload) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    // Not JSON: not a command this device understands.
    return null;
  }
}
