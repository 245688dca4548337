import type { IngestAnswer } from '@hub/api-types';
import type { RejectReason } from '@hub/contract';
import type { IngestReceipt } from '../ingest.service';
import type { PostOutcome } from './http-ingest.service';

/**
 * Every status POST /api/ingest/{domain}/{deviceId} answers with and when: the OpenAPI description and
 * docs/contract.md are written from this table. `durable`: every reading of the body is in InfluxDB, the fsync'd
 * outage spool or the dead-letter store when it is sent (what a QoS 1 PUBACK promises).
 */
export const INGEST_STATUSES: ReadonlyArray<{ readonly status: number; readonly durable: boolean; readonly when: string }> = [
  { status: 200, durable: true, when: 'at least one reading stored (or known as a resend: same device, `seq` and `ts`); each refused one is listed with its index, reason and message' },
  { status: 202, durable: true, when: 'the device waits in quarantine: its readings are held as `DEVICE_QUARANTINED` dead letters until an operator approves it' },
  { status: 400, durable: true, when: 'the body is not JSON the contract can read (`MALFORMED_JSON`, `NESTING_TOO_DEEP`, `DUPLICATE_KEY`); dead-lettered with the raw body' },
  { status: 401, durable: false, when: 'no credential, a malformed one, an unknown device or a wrong secret (`WWW-Authenticate: Basic, Bearer`); counted towards the address\'s login back-off' },
  { status: 403, durable: true, when: 'readings for another device or domain (`TOPIC_FORBIDDEN`, dead-lettered); or a right secret of a disabled or rejected device (nothing recorded)' },
  { status: 413, durable: true, when: 'the body is larger than `HUB_MAX_PAYLOAD_BYTES` (`PAYLOAD_TOO_LARGE`, dead-lettered without the body, which is not read)' },
  { status: 415, durable: false, when: 'not `application/json`, a charset other than UTF-8, or a `Content-Encoding` (send the body uncompressed); nothing read' },
  { status: 422, durable: true, when: 'JSON, but no reading in it is valid (each refusal listed, as for 200)' },
  { status: 429, durable: false, when: 'too many refused logins from this address, over MQTT and HTTP together (`HUB_MQTT_LOGIN_FAILURES`); `Retry-After` gives the block' },
  { status: 503, durable: false, when: 'the hub holds as many readings in memory as it may (InfluxDB down and the spool full) or is shutting down; `Retry-After: 5`, send the same body again' },
];

/** Refusals of the whole body because it is no JSON text the contract can read. */
const UNREADABLE: ReadonlySet<RejectReason> = new Set(['MALFORMED_JSON', 'NESTING_TOO_DEEP', 'DUPLICATE_KEY']);

export interface HttpAnswer {
  readonly status: number;
  readonly body: IngestAnswer & { readonly statusCode?: number; readonly error?: string; readonly message?: string };
}

/**
 * The status of a durable outcome, so that a logger that only looks at status codes still learns that nothing it
 * sent was stored (every refusal is already dead-lettered, so none is worth resending as it is — all are 4xx, which
 * HTTP clients do not retry):
 * - 200 at least one reading stored (or known as a resend); refusals of the others are listed in the body.
 * - 202 a quarantined device: held as DEVICE_QUARANTINED dead letters until an operator approves it.
 * - 413 the body was over HUB_MAX_PAYLOAD_BYTES (PAYLOAD_TOO_LARGE); 400 it was not readable JSON (MALFORMED_JSON,
 *   NESTING_TOO_DEEP, DUPLICATE_KEY); 422 it was JSON but no reading in it was valid. 403 not the sender's to send.
 */
export function ingestAnswer(outcome: Exclude<PostOutcome, { kind: 'busy' }>): HttpAnswer {
  const answer = answerOf(outcome.receipt);
  if (outcome.kind === 'held') return { status: 202, body: { ...answer, message: outcome.receipt.refused[0]?.detail ?? 'held' } };
  if (outcome.kind === 'forbidden') return refusal(403, answer, answer.refused[0]?.message ?? 'not allowed');
  if (answer.accepted + answer.duplicates > 0) return { status: 200, body: answer };
  const first = answer.refused[0];
  if (first === undefined) return { status: 200, body: answer };
  if (first.reason === 'PAYLOAD_TOO_LARGE') return refusal(413, answer, `Request body ${first.message}; send fewer readings per request`);
  if (first.index === null && UNREADABLE.has(first.reason)) return refusal(400, answer, `Request body is not a JSON reading or array of readings (${first.reason}): ${first.message}`);
  const count = answer.refused.length;
  const what = first.index === null ? first.reason : `first at index ${first.index}: ${first.reason}`;
  return refusal(422, answer, `No reading was accepted: ${count} refused (${what}: ${first.message})`);
}

export function answerOf(receipt: IngestReceipt): IngestAnswer {
  return {
    accepted: receipt.accepted,
    duplicates: receipt.duplicates,
    refused: receipt.refused.map((rejection) => ({ index: rejection.index ?? null, reason: rejection.reason, message: rejection.detail })),
  };
}

/** Nest's HttpStatus names, as the exception filter writes them; spelt here so this file stays free of Nest (unit specs). */
const ERRORS = { 400: 'BAD_REQUEST', 403: 'FORBIDDEN', 413: 'PAYLOAD_TOO_LARGE', 422: 'UNPROCESSABLE_ENTITY' } as const;

/** A refusal in the shape of every other 4xx of the API (statusCode, error, message) with the entries beside it. */
function refusal(status: keyof typeof ERRORS, answer: IngestAnswer, message: string): HttpAnswer {
  return { status, body: { statusCode: status, error: ERRORS[status], message, ...answer } };
}
