import { createHmac } from 'node:crypto';

/**
 * DingTalk group robot 加签: HMAC-SHA256 keyed with the secret over `timestamp + "\n" + secret` (timestamp in
 * milliseconds), Base64, then URL-encoded, sent as the `timestamp` and `sign` query parameters. DingTalk refuses a
 * timestamp more than an hour from its clock (errcode 310000).
 */
export function dingTalkSign(timestampMs: number, secret: string): string {
  const digest = createHmac('sha256', secret).update(`${timestampMs}\n${secret}`, 'utf8').digest('base64');
  return encodeURIComponent(digest);
}

/**
 * Feishu custom bot 签名校验: HMAC-SHA256 keyed with `timestamp + "\n" + secret` (timestamp in seconds) over an
 * empty message, Base64; sent in the JSON body as `timestamp` (a string) and `sign`.
 */
export function feishuSign(timestampSeconds: number, secret: string): string {
  return createHmac('sha256', `${timestampSeconds}\n${secret}`).update('').digest('base64');
}

/**
 * The hub's own webhook signature: hex HMAC-SHA256 keyed with the secret over `{timestamp}.{body}` (timestamp in
 * seconds, body the exact bytes sent), sent as `X-Hub-Signature: sha256=<hex>` with `X-Hub-Timestamp`. Binding the
 * timestamp lets a receiver refuse replays older than a few minutes.
 */
export function webhookSignature(timestampSeconds: number, body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestampSeconds}.${body}`, 'utf8').digest('hex')}`;
}
