import type { Agent } from 'node:http';
import { request } from 'node:http';
import type { IngestAnswer } from '@hub/api-types';
import type { HubProcess } from './hub-process';

/** A device's answer to POST /api/ingest/{domain}/{deviceId}: status, the headers a client acts on, and the body. */
export interface IngestResponse {
  readonly status: number;
  readonly retryAfter: string | undefined;
  readonly wwwAuthenticate: string | undefined;
  readonly body: IngestAnswer & { statusCode?: number; error?: string; message?: string };
}

export interface IngestPost {
  readonly domain: string;
  readonly deviceId: string;
  /** Sent as it is; an object or array is sent as its JSON text. */
  readonly body: Buffer | string | unknown;
  readonly headers?: Record<string, string>;
  /** `Bearer <secret>` unless `headers` carry an authorization. */
  readonly secret?: string;
  /** Keep-alive connections (the benchmark's clients); a fresh connection per request otherwise. */
  readonly agent?: Agent;
}

/** Posts readings as a device would, over node:http (not fetch: it lets a test send any header and any bytes). */
export function postReadings(hub: HubProcess, post: IngestPost): Promise<IngestResponse> {
  const bytes = Buffer.isBuffer(post.body) ? post.body : Buffer.from(typeof post.body === 'string' ? post.body : JSON.stringify(post.body));
  const headers: Record<string, string> = { 'content-type': 'application/json', 'content-length': String(bytes.length), ...post.headers };
  if (post.secret !== undefined && headers.authorization === undefined) headers.authorization = `Bearer ${post.secret}`;
  const url = new URL(`/api/ingest/${post.domain}/${post.deviceId}`, hub.httpUrl);
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { method: 'POST', headers, agent: post.agent }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: IngestResponse['body'];
        try {
          body = JSON.parse(text) as IngestResponse['body'];
        } catch {
          reject(new Error(`not JSON (${response.statusCode}): ${text.slice(0, 200)}`));
          return;
        }
        resolve({ status: response.statusCode ?? 0, retryAfter: header(response.headers['retry-after']), wwwAuthenticate: header(response.headers['www-authenticate']), body });
      });
    });
    outgoing.on('error', reject);
    outgoing.end(bytes);
  });
}

/** `Basic base64(id:secret)`. */
export function basicAuthorization(deviceId: string, secret: string): string {
  return `Basic ${Buffer.from(`${deviceId}:${secret}`).toString('base64')}`;
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}
