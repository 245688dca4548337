import type { DomainIssue } from '@hub/common';
import { DEVICE_ID_PATTERN } from '@hub/contract';
import { parseNewDevice } from './device-fields';
import { ImportCandidate, ImportPosition } from './device-import';
import { DeviceRegistryService, RegistryActor } from './device-registry.service';
import { NewDevice } from './registry-device';

export type ImportRefusal = ImportPosition & { readonly deviceId?: string; readonly problems: readonly DomainIssue[] };

export interface ImportReport {
  /** Each new device with its secret, shown this once. */
  readonly created: ReadonlyArray<{ readonly deviceId: string; readonly secret: string }>;
  readonly refused: readonly ImportRefusal[];
}

/**
 * Bulk provisioning from a spreadsheet (CSV) or a script (JSON array). Each row stands on its own: the good rows are
 * created and every bad one is reported with its line and all its problems, so one typo does not hold back a
 * thousand meters (fix the refused rows and import just those again). Two rules are stricter because a guess would
 * be wrong: a device id that appears on several rows refuses every one of them (which row is right?), and an id that
 * already exists is refused rather than overwritten (changing devices is PATCH's job, and an import must not rotate
 * live credentials by accident).
 */
export class DeviceImportService {
  constructor(private readonly registry: DeviceRegistryService) {}

  async import(actor: RegistryActor, candidates: readonly ImportCandidate[], source: 'csv' | 'json'): Promise<ImportReport> {
    const refused: ImportRefusal[] = [];
    const valid: Array<{ candidate: ImportCandidate; device: NewDevice }> = [];
    for (const candidate of candidates) {
      // Named in the report when it is a valid id (an invalid one is quoted in its problem instead).
      const rawId = candidate.raw.deviceId;
      const deviceId = typeof rawId === 'string' && DEVICE_ID_PATTERN.test(rawId) ? rawId : undefined;
      if (candidate.error !== undefined) {
        refused.push(refusal(candidate, deviceId, [{ field: 'row', problem: candidate.error }]));
        continue;
      }
      const parsed = parseNewDevice(candidate.raw, this.registry.catalogue.current(), candidate.text);
      if (parsed.ok) valid.push({ candidate, device: parsed.value });
      else refused.push(refusal(candidate, deviceId, parsed.problems));
    }

    const positions = new Map<string, ImportCandidate[]>();
    for (const { candidate, device } of valid) positions.set(device.deviceId, [...(positions.get(device.deviceId) ?? []), candidate]);
    // Rows may name a gateway created by another row of the same import (a DTU and its meters in one sheet).
    // Only gateways that will be created count (gateways do not nest, so theirs is checked without the others).
    const pendingGateways = new Map(
      valid
        .filter(({ device }) => device.kind === 'gateway' && positions.get(device.deviceId)?.length === 1 && this.registry.provisionRefusal(actor, device) === null)
        .map(({ device }) => [device.deviceId, device]),
    );
    // A DevEUI names one device: rows repeating one are all refused, as rows repeating an id are.
    const devEuiRows = new Map<string, ImportCandidate[]>();
    for (const { candidate, device } of valid) if (device.devEui !== null) devEuiRows.set(device.devEui, [...(devEuiRows.get(device.devEui) ?? []), candidate]);
    const toCreate: NewDevice[] = [];
    for (const { candidate, device } of valid) {
      const same = positions.get(device.deviceId) ?? [];
      if (same.length > 1) {
        const where = same.map((other) => describe(other.position)).join(', ');
        refused.push(refusal(candidate, device.deviceId, [{ field: 'deviceId', problem: `appears more than once in this import (${where}); list each device once` }]));
        continue;
      }
      const sameEui = device.devEui === null ? [] : (devEuiRows.get(device.devEui) ?? []);
      if (sameEui.length > 1) {
        const where = sameEui.map((other) => describe(other.position)).join(', ');
        refused.push(refusal(candidate, device.deviceId, [{ field: 'devEui', problem: `${device.devEui} appears more than once in this import (${where}); a DevEUI names one device` }]));
        continue;
      }
      const problem = this.registry.provisionRefusal(actor, device, pendingGateways);
      if (problem !== null) refused.push(refusal(candidate, device.deviceId, [problem]));
      else toCreate.push(device);
    }

    const created = toCreate.length === 0 ? [] : await this.registry.createAll(actor, toCreate, 'import');
    await this.registry.recordImport(actor, { source, rows: candidates.length, created: created.length, refused: refused.length });
    refused.sort((a, b) => order(a) - order(b));
    return { created: created.map(({ device, secret }) => ({ deviceId: device.deviceId, secret })), refused };
  }
}

function refusal(candidate: ImportCandidate, deviceId: string | undefined, problems: readonly DomainIssue[]): ImportRefusal {
  return {
    ...candidate.position,
    ...(deviceId === undefined ? {} : { deviceId }),
    problems: problems.map((problem) => ({ field: candidate.fieldName(problem.field), problem: problem.problem })),
  };
}

function describe(position: ImportPosition): string {
  return 'line' in position ? `line ${position.line}` : `index ${position.index}`;
}

function order(refusal: ImportRefusal): number {
  return 'line' in refusal ? refusal.line : refusal.index;
}
