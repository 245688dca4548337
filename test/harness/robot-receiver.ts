import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the receiver took, as it arrived. */
export interface ReceivedRequest {
  platform: RobotPlatformName;
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  rawBody: string;
  /** Whether the platform's signature verified (webhook: the documented snippet's check). */
  signatureOk: boolean;
  /** Problems with the body's shape, by the platform's documented message format; empty when it fits. */
  shapeProblems: string[];
}

export type RobotPlatformName = 'dingtalk' | 'feishu' | 'wecom' | 'sms' | 'webhook' | 'hang';

export interface RobotCredentials {
  dingtalk: { accessToken: string; secret: string };
  feishu: { hookToken: string; secret: string };
  wecom: { key: string };
  webhook: { secret: string };
}

/**
 * Stands in for the DingTalk, Feishu and WeCom robot endpoints and a webhook receiver on one free 127.0.0.1 port.
 * Each route checks what the platform checks, computed here from the platform's documented formula (not with
 * the hub's code), and answers in the platform's words: a bad signature or key gets the documented error body,
 * and `failNext` makes the next answer a rate-limit error or an HTTP status.
 *
 *   POST /dingtalk/robot/send?access_token=…&timestamp=…&sign=…      (oapi.dingtalk.com)
 *   POST /feishu/open-apis/bot/v2/hook/{token}                      (open.feishu.cn)
 *   POST /wecom/cgi-bin/webhook/send?key=…                          (qyapi.weixin.qq.com)
 *   POST /webhook                                                   (X-Hub-Timestamp, X-Hub-Signature)
 *   any  /sms/…                                                     (an SMS gateway: records, answers {"Code":"OK"})
 *   any  /hang                                                      (never answers: for timeouts)
 */
export class RobotReceiver {
  readonly received: ReceivedRequest[] = [];
  private readonly failures: Partial<Record<RobotPlatformName, 'rate-limit' | number>> = {};

  private constructor(
    private readonly server: Server,
    readonly port: number,
    private readonly credentials: RobotCredentials,
  ) {}

  static async start(credentials: RobotCredentials): Promise<RobotReceiver> {
    let receiver: RobotReceiver | undefined;
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => receiver?.answer(request, Buffer.concat(chunks).toString('utf8'), response));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    receiver = new RobotReceiver(server, (server.address() as AddressInfo).port, credentials);
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The next request to that platform is answered with its rate-limit error, or with this HTTP status. */
  failNext(platform: RobotPlatformName, failure: 'rate-limit' | number): void {
    this.failures[platform] = failure;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private answer(request: IncomingMessage, rawBody: string, response: ServerResponse): void {
    const url = new URL(request.url ?? '/', this.url);
    const platform = url.pathname.split('/')[1] as RobotPlatformName;
    let body: unknown;
    try {
      body = JSON.parse(rawBody);
    } catch {
      body = undefined;
    }
    const record: ReceivedRequest = { platform, method: request.method ?? '', path: url.pathname, query: url.searchParams, headers: request.headers, rawBody, signatureOk: false, shapeProblems: [] };
    this.received.push(record);
    const failure = this.failures[platform];
    delete this.failures[platform];
    switch (platform) {
      case 'dingtalk':
        return this.dingTalk(record, url, body, failure, response);
      case 'feishu':
        return this.feishu(record, url, body, failure, response);
      case 'wecom':
        return this.weCom(record, url, body, failure, response);
      case 'webhook':
        return this.webhook(record, failure, response);
      case 'hang':
        return;
      case 'sms':
        record.signatureOk = true;
        if (failure === 'rate-limit') return send(response, 200, { Code: 'isv.BUSINESS_LIMIT_CONTROL', Message: 'minute-level flow control' });
        if (typeof failure === 'number') return send(response, failure, { Code: 'ServiceUnavailable' });
        return send(response, 200, { Code: 'OK', Message: 'OK', BizId: '900619746936498440^0' });
      default:
        return send(response, 404, { error: 'no such route' });
    }
  }

  /** DingTalk: sign = urlEncode(base64(HmacSHA256(key = secret, timestamp + "\n" + secret))), timestamp ms within 1 h. */
  private dingTalk(record: ReceivedRequest, url: URL, body: unknown, failure: 'rate-limit' | number | undefined, response: ServerResponse): void {
    const { accessToken, secret } = this.credentials.dingtalk;
    if (url.pathname !== '/dingtalk/robot/send' || url.searchParams.get('access_token') !== accessToken) return send(response, 200, { errcode: 300001, errmsg: 'token is not exist' });
    const timestamp = url.searchParams.get('timestamp') ?? '';
    // URLSearchParams has already undone the URL encoding the platform asks for.
    const expected = createHmac('sha256', secret).update(`${timestamp}\n${secret}`).digest('base64');
    record.signatureOk = sameText(url.searchParams.get('sign') ?? '', expected) && Math.abs(Date.now() - Number(timestamp)) < 3_600_000;
    if (!record.signatureOk) return send(response, 200, { errcode: 310000, errmsg: 'sign not match, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]' });
    record.shapeProblems = shape(body, { msgtype: 'markdown' }, ['markdown.title', 'markdown.text']);
    if (failure === 'rate-limit') return send(response, 200, { errcode: 130101, errmsg: 'send too fast, exceed 20 times per minute' });
    if (typeof failure === 'number') return send(response, failure, { errcode: -1, errmsg: 'system busy' });
    return send(response, 200, { errcode: 0, errmsg: 'ok' });
  }

  /** Feishu: sign = base64(HmacSHA256(key = timestamp + "\n" + secret, message = "")), timestamp seconds within 1 h. */
  private feishu(record: ReceivedRequest, url: URL, body: unknown, failure: 'rate-limit' | number | undefined, response: ServerResponse): void {
    const { hookToken, secret } = this.credentials.feishu;
    if (url.pathname !== `/feishu/open-apis/bot/v2/hook/${hookToken}`) return send(response, 200, { code: 19001, msg: 'param invalid: incoming webhook access token invalid', data: {} });
    const fields = (body ?? {}) as { timestamp?: unknown; sign?: unknown };
    const timestamp = typeof fields.timestamp === 'string' ? fields.timestamp : '';
    const expected = createHmac('sha256', `${timestamp}\n${secret}`).update('').digest('base64');
    record.signatureOk = typeof fields.sign === 'string' && sameText(fields.sign, expected) && Math.abs(Date.now() / 1000 - Number(timestamp)) < 3600;
    if (!record.signatureOk) return send(response, 200, { code: 19021, msg: 'sign match fail or timestamp is not within one hour from current time', data: {} });
    const text = (body as { msg_type?: unknown } | undefined)?.msg_type === 'text';
    record.shapeProblems = text ? shape(body, { msg_type: 'text' }, ['content.text']) : shape(body, { msg_type: 'interactive' }, ['card.header.title.content', 'card.elements']);
    if (failure === 'rate-limit') return send(response, 200, { code: 11232, msg: 'frequency limited psm[lark.oapi.app_platform_runtime]appID[1]', data: {} });
    if (typeof failure === 'number') return send(response, failure, { code: 9499, msg: 'internal error' });
    return send(response, 200, { code: 0, msg: 'success', data: {} });
  }

  /** WeCom: the key in the URL is the only credential; markdown.content at most 4096 bytes. */
  private weCom(record: ReceivedRequest, url: URL, body: unknown, failure: 'rate-limit' | number | undefined, response: ServerResponse): void {
    record.signatureOk = url.pathname === '/wecom/cgi-bin/webhook/send' && url.searchParams.get('key') === this.credentials.wecom.key;
    if (!record.signatureOk) return send(response, 200, { errcode: 93000, errmsg: 'invalid webhook url, hint: [1764201600_1_abc]' });
    record.shapeProblems = shape(body, { msgtype: 'markdown' }, ['markdown.content']);
    const content = (body as { markdown?: { content?: string } } | undefined)?.markdown?.content ?? '';
    if (Buffer.byteLength(content) > 4096) record.shapeProblems.push('markdown.content over 4096 bytes');
    if (failure === 'rate-limit') return send(response, 200, { errcode: 45009, errmsg: 'api freq out of limit' });
    if (typeof failure === 'number') return send(response, failure, { errcode: -1, errmsg: 'system busy' });
    return send(response, 200, { errcode: 0, errmsg: 'ok' });
  }

  private webhook(record: ReceivedRequest, failure: 'rate-limit' | number | undefined, response: ServerResponse): void {
    record.signatureOk = verifyHubWebhook(record.headers, record.rawBody, this.credentials.webhook.secret);
    if (!record.signatureOk) return send(response, 401, { error: 'bad signature' });
    if (failure === 'rate-limit') return send(response, 429, { error: 'slow down' });
    if (typeof failure === 'number') return send(response, failure, { error: `status ${failure}` });
    return send(response, 204);
  }
}

/**
 * The receiver-side check documented in docs/alerts.md ("Verifying a signed webhook"), kept identical: HMAC-SHA256
 * of `${timestamp}.${rawBody}` with the shared secret, hex, compared in constant time; timestamps older than
 * five minutes refused (replays).
 */
export function verifyHubWebhook(headers: IncomingMessage['headers'], rawBody: string, secret: string): boolean {
  const timestamp = String(headers['x-hub-timestamp'] ?? '');
  const signature = String(headers['x-hub-signature'] ?? '');
  if (!/^\d+$/.test(timestamp) || Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return false;
  const expected = 'sha256=' + createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex');
  return signature.length === expected.length && timingSafeEqual(Buffer.from(signature), Buffer.from(expected));
}

function sameText(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

/** Problems with `body`: fields that must equal a value, and dotted paths that must hold something non-empty. */
function shape(body: unknown, equal: Record<string, string>, present: string[]): string[] {
  const problems: string[] = [];
  const at = (path: string): unknown => path.split('.').reduce<unknown>((value, key) => (typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined), body);
  for (const [key, value] of Object.entries(equal)) if (at(key) !== value) problems.push(`${key} is ${JSON.stringify(at(key))}, not ${value}`);
  for (const path of present) {
    const value = at(path);
    if (value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0)) problems.push(`${path} is missing`);
  }
  return problems;
}

function send(response: ServerResponse, status: number, body?: unknown): void {
  response.writeHead(status, body === undefined ? {} : { 'content-type': 'application/json' });
  response.end(body === undefined ? undefined : JSON.stringify(body));
}
