import type { Random } from '@hub/common';
import type { RejectReason } from '@hub/contract';
import type { IngestAnswer } from '@hub/api-types';
import type { FuzzDevice, FuzzMessage } from './fuzz-messages';
import { pick } from './fuzz-readings';

/**
 * The fuzz messages of fuzz-messages.ts posted over HTTP instead of published: those on the device's own telemetry
 * topic, each to POST /api/ingest/{domain}/{deviceId} as its body. A few that the hub must refuse anyway are also sent
 * with a content type, charset or encoding it does not take, which must be refused before anything is read (415).
 */
export interface FuzzPost {
  readonly message: FuzzMessage;
  readonly headers: Record<string, string>;
  /** 415: refused on its headers, nothing read, counted or dead-lettered. */
  readonly wrongHeaders: boolean;
}

const UNREADABLE: readonly RejectReason[] = ['MALFORMED_JSON', 'NESTING_TOO_DEEP', 'DUPLICATE_KEY'];
const WRONG_HEADERS: ReadonlyArray<Record<string, string>> = [
  { 'content-type': 'text/plain' },
  { 'content-type': 'application/x-www-form-urlencoded' },
  { 'content-type': 'application/json; charset=utf-16le' },
  { 'content-type': 'application/json', 'content-encoding': 'gzip' },
];

export function fuzzPosts(random: Random, device: FuzzDevice, count: number): FuzzPost[] {
  const posts: FuzzPost[] = [];
  while (posts.length < count) {
    const message = device.next();
    if (message.topic !== device.topic) continue;
    // Only a message that stores nothing may be refused on its headers: a later resend of a stored one must find it.
    // And only one with a body: a request without one is never refused for its Content-Type (nothing to describe), so
    // an empty post is the 400 of an empty JSON document whatever its headers say.
    const wrongHeaders = message.stored.length === 0 && message.duplicates === 0 && message.payload.length > 0 && random() < 0.08;
    posts.push({ message, headers: wrongHeaders ? { ...pick(random, WRONG_HEADERS) } : { 'content-type': 'application/json' }, wrongHeaders });
  }
  return posts;
}

/** What is wrong with the answer to a post, or null: status, counts and each refusal as the message was built. */
export function answerProblem(post: FuzzPost, status: number, body: Partial<IngestAnswer> & { message?: unknown; statusCode?: unknown }): string | null {
  const { message } = post;
  if (post.wrongHeaders) return status === 415 && typeof body.message === 'string' ? null : `expected 415, got ${status}`;
  const wanted = expectedStatuses(message);
  if (!wanted.includes(status)) return `expected ${wanted.join(' or ')}, got ${status}`;
  if (status >= 400 && (body.statusCode !== status || typeof body.message !== 'string' || body.message === '')) return 'a refusal without statusCode and message';
  if (body.accepted !== message.stored.length || body.duplicates !== message.duplicates) return `accepted ${body.accepted}/${message.stored.length}, duplicates ${body.duplicates}/${message.duplicates}`;
  const refused = body.refused ?? [];
  if (refused.length !== message.deadLetters.length) return `${refused.length} refusals, expected ${message.deadLetters.length}`;
  const wrong = refused.find((refusal, index) => !message.deadLetters[index].reasons.includes(refusal.reason) || refusal.index !== message.deadLetters[index].batchIndex || refusal.message === '');
  return wrong === undefined ? null : `refusal ${JSON.stringify(wrong)}, expected ${JSON.stringify(message.deadLetters)}`;
}

function expectedStatuses(message: FuzzMessage): number[] {
  if (message.stored.length + message.duplicates > 0) return [200];
  const [first] = message.deadLetters;
  if (first.batchIndex !== null) return [422];
  if (first.reasons.includes('PAYLOAD_TOO_LARGE')) return [413];
  return [...new Set(first.reasons.map((reason) => (UNREADABLE.includes(reason) ? 400 : 422)))];
}
