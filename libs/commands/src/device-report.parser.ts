import { isJsonObject } from '@hub/common';
import type { RejectReason } from '@hub/contract';
import { MAX_COMMAND_JSON_BYTES } from './command-input';

/** A device's answer to a command, from `sensors/{domain}/{deviceId}/commands/reply`. */
export type CommandReply = { readonly id: string; readonly ok: true; readonly result: unknown } | { readonly id: string; readonly ok: false; readonly error: string };

export interface ReportRefusal {
  readonly reason: RejectReason;
  readonly detail: string;
}

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly refusal: ReportRefusal };

const MAX_ERROR_LENGTH = 1000;
const COMMAND_ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * `{ "id": "…", "ok": true, "result"?: any }` or `{ "id": "…", "ok": false, "error": "text" }`; also `status:
 * "succeeded" | "failed"` in place of `ok`, which some firmware finds more natural. Anything else is refused with
 * what was wrong; it never throws (the payload comes from a device).
 */
export function parseCommandReply(payload: Uint8Array): Parsed<CommandReply> {
  const refuse = (detail: string): Parsed<CommandReply> => ({ ok: false, refusal: { reason: 'COMMAND_REPLY_INVALID', detail } });
  const value = parseJson(payload);
  if (value === undefined) return refuse(`not a JSON object of at most ${MAX_COMMAND_JSON_BYTES} bytes`);
  if (!isJsonObject(value)) return refuse('not a JSON object');
  const unknown = Object.keys(value).filter((key) => !['id', 'ok', 'status', 'result', 'error'].includes(key));
  if (unknown.length > 0) return refuse(`unknown field ${JSON.stringify(unknown[0].slice(0, 32))}; allowed: id, ok (or status), result, error`);
  const { id, ok, status, result, error } = value;
  if (typeof id !== 'string' || !COMMAND_ID.test(id)) return refuse('"id" must be the command id the hub sent');
  let succeeded: boolean;
  if (typeof ok === 'boolean' && status === undefined) succeeded = ok;
  else if (ok === undefined && (status === 'succeeded' || status === 'failed')) succeeded = status === 'succeeded';
  else return refuse('needs "ok": true|false (or "status": "succeeded"|"failed"), not both');
  if (succeeded) {
    if (error !== undefined) return refuse('a successful reply carries "result", not "error"');
    return { ok: true, value: { id, ok: true, result: result ?? null } };
  }
  if (typeof error !== 'string' || error.trim() === '') return refuse('a failed reply needs "error": a non-empty text');
  if (result !== undefined) return refuse('a failed reply carries "error", not "result"');
  return { ok: true, value: { id, ok: false, error: error.length > MAX_ERROR_LENGTH ? `${error.slice(0, MAX_ERROR_LENGTH)}…` : error } };
}

/** The configuration a device applied, from `sensors/{domain}/{deviceId}/config/reported`: one JSON object. */
export function parseReportedConfig(payload: Uint8Array): Parsed<Readonly<Record<string, unknown>>> {
  const value = parseJson(payload);
  if (value === undefined || !isJsonObject(value)) return { ok: false, refusal: { reason: 'CONFIG_REPORT_INVALID', detail: `not a JSON object of at most ${MAX_COMMAND_JSON_BYTES} bytes` } };
  return { ok: true, value };
}

function parseJson(payload: Uint8Array): unknown {
  if (payload.length === 0 || payload.length > MAX_COMMAND_JSON_BYTES) return undefined;
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload)) as unknown;
  } catch {
    // Not UTF-8 or not JSON: the caller refuses it with its reason.
    return undefined;
  }
}

/** JSON with object keys sorted at every level, so two configs compare equal whatever order their keys came in. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    isJsonObject(inner) ? Object.fromEntries(Object.keys(inner).sort().map((key) => [key, inner[key]])) : inner,
  );
}
