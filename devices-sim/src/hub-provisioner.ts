import { type Catalogue, catalogueFromView, Domain, type MetricCatalogue } from '@hub/contract';
import { parseCsv } from '@hub/devices';
import type { FaultTarget } from './fault-plan';
import type { GatewayPlan } from './gateway-device-link';
import { DeviceCredentials } from './simulation-options';

/** A device to provision, with the profile the hub should record. */
export interface DeviceToProvision {
  readonly deviceId: string;
  readonly domain: Domain;
  readonly town?: string;
  readonly site?: string;
  /** A gateway (with the domains it speaks for), or a device naming the gateway that publishes for it. */
  readonly kind?: 'device' | 'gateway';
  readonly gatewayId?: string;
  readonly gatewayDomains?: readonly Domain[];
}

export interface ProvisionOptions {
  /** The hub's HTTP base URL, e.g. http://127.0.0.1:3000. */
  readonly apiUrl: string;
  /** An admin API key (sent as `Authorization: Bearer`). */
  readonly apiKey: string;
  /**
   * What to do with a device the hub already has: `rotate` gives it a new secret (the simulator is the device, so it
   * may), `fail` reports it as an error.
   */
  readonly existing?: 'rotate' | 'fail';
}

export class ProvisioningError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProvisioningError';
  }
}

/** JSON bodies stay well under the API's 100 KB limit. */
const CHUNK = 500;

interface ImportAnswer {
  readonly created: ReadonlyArray<{ readonly deviceId: string; readonly secret: string }>;
  readonly refused: ReadonlyArray<{ readonly index: number; readonly deviceId?: string; readonly problems: ReadonlyArray<{ readonly field: string; readonly problem: string }> }>;
}

/**
 * Provisions devices through the hub's API (POST /api/devices/import, a JSON array, in chunks) and returns every
 * device's secret. Devices that already exist get a new secret when `existing` is `rotate` (the default).
 */
export async function provisionThroughApi(devices: readonly DeviceToProvision[], options: ProvisionOptions): Promise<Map<string, string>> {
  const secrets = new Map<string, string>();
  for (let start = 0; start < devices.length; start += CHUNK) {
    const chunk = devices.slice(start, start + CHUNK);
    // Only the fields the API knows (callers may pass richer objects, such as the bench's planned devices).
    const body = chunk.map(({ deviceId, domain, town, site, kind, gatewayId, gatewayDomains }) => ({ deviceId, domain, town, site, kind, gatewayId, gatewayDomains }));
    const answer = await call<ImportAnswer>(options, 'POST', '/api/devices/import', body);
    for (const { deviceId, secret } of answer.created) secrets.set(deviceId, secret);
    for (const refusal of answer.refused) {
      const exists = refusal.problems.some((problem) => problem.problem.startsWith('is already provisioned'));
      const device = chunk[refusal.index];
      if (!exists || options.existing === 'fail') {
        throw new ProvisioningError(`the hub refused ${device?.deviceId ?? `device #${start + refusal.index}`}: ${refusal.problems.map((p) => `${p.field} ${p.problem}`).join('; ')}`);
      }
      const rotated = await call<{ secret: string }>(options, 'POST', `/api/devices/${encodeURIComponent(device.deviceId)}/secret`);
      secrets.set(device.deviceId, rotated.secret);
    }
  }
  return secrets;
}

/**
 * What to provision for a run: its gateways first (kind gateway), then every device, a gateway's children naming it.
 * `towns` are given in turn, a child taking its gateway's town.
 */
export function devicesToProvision(gateways: readonly GatewayPlan[], devices: readonly FaultTarget[], towns: readonly string[] = []): DeviceToProvision[] {
  const town = (index: number): { town?: string } => (towns.length > 0 ? { town: towns[index % towns.length] } : {});
  const gatewayOf = new Map<string, number>();
  gateways.forEach((gateway, index) => gateway.children.forEach((child) => gatewayOf.set(child, index)));
  return [
    ...gateways.map(({ deviceId, domain, gatewayDomains }, index) => ({ deviceId, domain, kind: 'gateway' as const, gatewayDomains, ...town(index) })),
    ...devices.map(({ deviceId, domain }, index) => {
      const gateway = gatewayOf.get(deviceId);
      return gateway === undefined ? { deviceId, domain, ...town(index) } : { deviceId, domain, gatewayId: gateways[gateway].deviceId, ...town(gateway) };
    }),
  ];
}

/** Device secrets from a CSV file with `device_id` and `secret` columns (what a provisioning run can be saved as). */
export function readCredentialsCsv(text: string): DeviceCredentials {
  const [header, ...rows] = parseCsv(text);
  const columns = header?.fields.map((name) => name.trim().toLowerCase()) ?? [];
  const idColumn = columns.indexOf('device_id');
  const secretColumn = columns.indexOf('secret');
  if (idColumn < 0 || secretColumn < 0) throw new ProvisioningError('the credentials file needs a header row with device_id and secret columns');
  const credentials = new Map<string, string>();
  for (const row of rows) {
    if (row.error !== undefined) throw new ProvisioningError(`credentials file, line ${row.line}: ${row.error}`);
    const deviceId = row.fields[idColumn]?.trim();
    const secret = row.fields[secretColumn]?.trim();
    if (deviceId && secret) credentials.set(deviceId, secret);
  }
  return credentials;
}

/** The hub's live catalogue (GET /api/catalogue): built-in domains and the ones its admins added. */
export async function fetchCatalogue(options: Pick<ProvisionOptions, 'apiUrl' | 'apiKey'>): Promise<MetricCatalogue> {
  return catalogueFromView(await call<Catalogue>(options, 'GET', '/api/catalogue'));
}

async function call<T>(options: Pick<ProvisionOptions, 'apiUrl' | 'apiKey'>, method: string, path: string, body?: unknown): Promise<T> {
  const url = new URL(path, options.apiUrl);
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: { authorization: `Bearer ${options.apiKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    throw new ProvisioningError(`cannot reach the hub at ${url.origin}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const text = await response.text();
  if (!response.ok) throw new ProvisioningError(`${method} ${url.pathname} answered ${response.status}: ${text.slice(0, 500)}`);
  return JSON.parse(text) as T;
}
