import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DeviceToProvision, provisionThroughApi } from '@hub/devices-sim';
import type { HubProcess } from '@hub/test-harness';

/** The service authenticates every device: the bench provisions its fleet through the API first (as the bootstrap admin). */
export async function provisionFleet(hub: HubProcess, devices: readonly DeviceToProvision[]): Promise<Record<string, string>> {
  const secrets = await provisionThroughApi(devices, { apiUrl: hub.httpUrl, apiKey: hub.adminKey, existing: 'fail' });
  return Object.fromEntries(secrets);
}

/**
 * Secrets for a child process that takes its job on the command line (too long for an argument at 10,000 devices):
 * a credentials CSV in a private temporary folder, removed by the returned function.
 */
export async function writeCredentialsFile(secrets: Readonly<Record<string, string>>): Promise<{ path: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-credentials-'));
  const path = join(dir, 'credentials.csv');
  await writeFile(path, `device_id,secret\n${Object.entries(secrets).map(([id, secret]) => `${id},${secret}`).join('\n')}\n`, { mode: 0o600 });
  return { path, remove: () => rm(dir, { recursive: true, force: true }) };
}
