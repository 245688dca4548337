import { InvalidConfigError } from '@hub/config';

/**
 * Runs a command's `main` and exits with its code: 78 (EX_CONFIG) with the message for a bad configuration, 1 with
 * `<what> failed: …` and the stack for anything else.
 */
export function runCommand(what: string, main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      if (error instanceof InvalidConfigError) {
        process.stderr.write(`${error.message}\n`);
        process.exit(78);
      }
      process.stderr.write(`${what} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
