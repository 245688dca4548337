import type { DeviceAreaLookup, Principal } from '@hub/access';
import type { ExportAudit } from './export-audit';
import type { DeadLetter } from '@hub/api-types';
import { csvRecord, inertText, placeOfPath, ZonedTimeFormatter } from '@hub/common';
import type { DeadLetterFilter } from '@hub/pipeline';
import { fileTime, PieceBuffer, type CsvExport } from './csv-export';

/** Stable, documented in docs/operations.md (Exports). town and village are where the device is registered now. */
export const DEAD_LETTER_COLUMNS = [
  'id',
  'received_at_utc',
  'received_at_local',
  'reason',
  'detail',
  'device_id',
  'domain',
  'town',
  'village',
  'topic',
  'client_id',
  'batch_index',
  'payload_encoding',
  'payload_bytes',
  'payload_truncated',
  'payload',
] as const;

const PAGE = 1_000;

export interface DeadLettersExportDeps {
  /** A page of dead letters, newest first, without counting (DeadLetterRepository.page). */
  readonly page: (filter: DeadLetterFilter) => Promise<DeadLetter[]>;
  readonly areaOf: DeviceAreaLookup;
  readonly audit: ExportAudit;
  readonly timeZone: string;
  readonly now?: () => number;
}

export type DeadLettersExportFilter = Pick<DeadLetterFilter, 'reason' | 'deviceId' | 'from' | 'to'>;

/**
 * Refused readings (GET /api/exports/dead-letters.csv): what GET /api/dead-letters lists for the same filter and
 * scope, newest first, with the raw payload (text, or base64 for a binary one). Paged by id from the store.
 */
export async function deadLettersExport(deps: DeadLettersExportDeps, principal: Pick<Principal, 'name' | 'scope'>, filter: DeadLettersExportFilter): Promise<CsvExport> {
  const detail = Object.fromEntries(
    Object.entries(filter)
      .filter(([, value]) => value !== undefined)
      .map(([key, value]) => [key, (key === 'from' || key === 'to') && typeof value === 'number' ? new Date(value).toISOString() : value]),
  );
  await deps.audit.record({ actor: principal.name, action: 'export.dead-letters', targetType: 'dead-letter', targetId: null, detail });
  return {
    fileName: `dead-letters-${fileTime((deps.now ?? Date.now)())}.csv`,
    async *pieces(signal: AbortSignal): AsyncGenerator<string> {
      const localTime = new ZonedTimeFormatter(deps.timeZone);
      const buffer = new PieceBuffer(csvRecord(DEAD_LETTER_COLUMNS));
      let beforeId: number | undefined;
      for (;;) {
        signal.throwIfAborted();
        const items = await deps.page({ ...filter, within: principal.scope, limit: PAGE, ...(beforeId === undefined ? {} : { beforeId }) });
        let records = '';
        for (const letter of items) {
          const { town, village } = placeOfPath(letter.deviceId === null ? null : deps.areaOf(letter.deviceId));
          records += csvRecord([
            letter.id,
            new Date(letter.receivedAt).toISOString(),
            localTime.format(letter.receivedAt),
            letter.reason,
            inertText(letter.detail),
            letter.deviceId,
            letter.domain,
            town,
            village,
            inertText(letter.topic),
            inertText(letter.clientId),
            letter.batchIndex,
            letter.payloadEncoding,
            letter.payloadBytes,
            letter.payloadTruncated,
            inertText(letter.payload),
          ]);
        }
        const piece = buffer.add(records, items.length);
        if (piece !== undefined) yield piece;
        if (items.length < PAGE) break;
        beforeId = items[items.length - 1].id;
        await new Promise((resolve) => setImmediate(resolve));
      }
      const rest = buffer.rest();
      if (rest !== undefined) yield rest;
    },
  };
}
