/**
 * The logging seam of the libs. The libs are plain TypeScript with no Nest in them (Nest 12 is ESM-only and the
 * libs must also load in unit tests and the simulator), so they log through this interface; the service passes
 * Nest's Logger, which fits it as it is. Log a structured object ({ msg, deviceId, error, … }), not string soup.
 */
export interface HubLogger {
  log(message: unknown): void;
  warn(message: unknown): void;
  error(message: unknown): void;
}

/** For tests and tools that want no log output. */
export const SILENT_LOGGER: HubLogger = { log: () => undefined, warn: () => undefined, error: () => undefined };
