#!/usr/bin/env node
import { CLI_USAGE, CliCommand, parseCliArgs } from './cli-options';
import { DeviceSimulator } from './device-simulator';
import { SimulatorReport } from './simulator-report';

/** Exit codes: 0 done, 1 no device could connect, 2 bad usage. */
async function main(argv: readonly string[]): Promise<number> {
  let command: CliCommand;
  let simulator: DeviceSimulator;
  try {
    command = parseCliArgs(argv);
    if (command.kind === 'help') {
      process.stdout.write(`${CLI_USAGE}\n`);
      return 0;
    }
    simulator = new DeviceSimulator(command.options);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${CLI_USAGE}\n`);
    return 2;
  }

  let signalled = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (signalled) {
      // A second Ctrl-C means "now": skip waiting for PUBACKs.
      process.exit(130);
    }
    signalled = true;
    process.stderr.write(`${signal}: stopping, waiting for outstanding acknowledgements…\n`);
    void simulator.stop();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const progress = command.progressMs === undefined ? undefined : setInterval(() => process.stderr.write(`${progressLine(simulator.report())}\n`), command.progressMs);

  try {
    await simulator.start();
    const report = await simulator.done;
    process.stderr.write(`${progressLine(report)}\n`);
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return report.devices.connected === 0 ? 1 : 0;
  } finally {
    if (progress !== undefined) clearInterval(progress);
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}

export function progressLine(report: SimulatorReport): string {
  const { devices, sent } = report;
  return [
    `[${(report.elapsedMs / 1000).toFixed(1)}s]`,
    `devices ${devices.connected}/${devices.planned} connected, ${devices.connectFailures} failed, ${devices.dropped} dropped`,
    `| sent ${sent.messages} msgs, ${sent.readings} readings (${report.valid} valid, ${report.invalid} invalid)`,
    `| acked ${report.acked}, publish errors ${report.publishErrors}, reconnects ${report.reconnects}`,
  ].join(' ');
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`devices-sim failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
