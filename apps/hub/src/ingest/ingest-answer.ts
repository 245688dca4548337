import type { IngestAnswer } from '@hub/api-types';
import type { RejectReason } from '@hub/contract';
import type { IngestReceipt, PostOutcome } from '@hub/pipeline';

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
