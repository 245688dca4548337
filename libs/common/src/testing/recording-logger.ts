import type { HubLogger } from '../hub-logger';

/** A logger that keeps what it was given, to check that failures reach someone. */
export class RecordingLogger implements HubLogger {
  readonly entries: Array<{ level: 'log' | 'warn' | 'error'; message: unknown }> = [];

  log(message: unknown): void {
    this.entries.push({ level: 'log', message });
  }

  warn(message: unknown): void {
    this.entries.push({ level: 'warn', message });
  }

  error(message: unknown): void {
    this.entries.push({ level: 'error', message });
  }

  /** `msg` of each structured entry at this level. */
  messages(level: 'log' | 'warn' | 'error'): string[] {
    return this.entries.filter((entry) => entry.level === level).map((entry) => String((entry.message as { msg?: unknown }).msg ?? entry.message));
  }
}
