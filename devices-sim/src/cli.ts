#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { CLI_USAGE, CliCommand, CredentialSource, parseCliArgs } from './cli-options';
import { createSimulator, Simulator } from './device-simulator';
import { devicesToProvision, fetchCatalogue, provisionThroughApi, ProvisioningError, readCredentialsCsv } from './hub-provisioner';
import { DeviceCredentials, planDevices, planGateways, resolveSimulationOptions, SimulationOptions } from './simulation-options';
import { SimulatorReport } from './simulator-report';

/** Exit codes: 0 done, 1 no device could connect (or provisioning failed), 2 bad usage. */
async function main(argv: readonly string[]): Promise<number> {
  let command: CliCommand;
  try {
    command = parseCliArgs(argv);
    if (command.kind === 'help') {
      process.stdout.write(`${CLI_USAGE}\n`);
      return 0;
    }
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${CLI_USAGE}\n`);
    return 2;
  }
  let options = command.options;
  let simulator: Simulator;
  try {
    // With --api the hub's live catalogue says which domains and metrics exist (an admin's flood domain included).
    if (command.credentials?.kind === 'api') options = { ...options, catalogue: await fetchCatalogue({ apiUrl: command.credentials.apiUrl, apiKey: apiKeyFromEnv() }) };
    try {
      resolveSimulationOptions(options);
    } catch (error) {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${CLI_USAGE}\n`);
      return 2;
    }
    simulator = createSimulator({ ...options, credentials: await loadCredentials(options, command.credentials) });
  } catch (error) {
    if (!(error instanceof ProvisioningError)) throw error;
    process.stderr.write(`devices-sim: ${error.message}\n`);
    return 1;
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

/** The devices' secrets: provisioned through the hub's API now, or read from a credentials CSV. */
async function loadCredentials(options: SimulationOptions, source: CredentialSource | undefined): Promise<DeviceCredentials | undefined> {
  if (source === undefined) return undefined;
  if (source.kind === 'file') {
    let text: string;
    try {
      text = readFileSync(source.path, 'utf8');
    } catch (error) {
      throw new ProvisioningError(`cannot read ${source.path}: ${error instanceof Error ? error.message : String(error)}`);
    }
    return readCredentialsCsv(text);
  }
  const apiKey = apiKeyFromEnv();
  const resolved = resolveSimulationOptions(options);
  const devices = devicesToProvision(planGateways(resolved), planDevices(resolved), source.towns);
  const secrets = await provisionThroughApi(devices, { apiUrl: source.apiUrl, apiKey });
  process.stderr.write(`provisioned ${secrets.size} devices through ${source.apiUrl}\n`);
  return secrets;
}

function apiKeyFromEnv(): string {
  const apiKey = process.env.HUB_API_KEY;
  if (apiKey === undefined || apiKey === '') throw new ProvisioningError('--api needs an admin API key in the HUB_API_KEY environment variable');
  return apiKey;
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
