import type { Severity } from '@hub/api-types';
import { type AlertChange, alertLink, alertMessageView, type RenderedMessage, renderMessage } from './alert-message';
import type { ContactPoint, DingTalkSettings, FeishuSettings, SmsSettings, WebhookSettings, WeComSettings } from './contact-point';
import { type DeliveryResult, retryableHttpStatus, truncateAnswer } from './delivery-result';
import { type EmailAttachment, sendEmail } from './email.transport';
import { httpPost, httpSend, isHttpAnswer } from './http-post';
import { DEFAULT_LANGUAGE, type MessageTemplateSource, type NotifyLanguage, SHIPPED_TEMPLATES } from './message-templates';
import { robotResult } from './robot-answers';
import { dingTalkSign, feishuSign, webhookSignature } from './signatures';
import { renderSmsRequest, smsParams, smsResult, smsTemplateView } from './sms-request';

/** Feishu card header colours by severity. */
const CARD_COLOURS: Readonly<Record<Severity, string>> = { critical: 'red', warning: 'orange', info: 'blue' };
/** WeCom refuses markdown content over 4096 bytes (UTF-8). */
export const WECOM_MARKDOWN_BYTES = 4096;

export interface ContactPointSenderOptions {
  /** The console's public base URL, for the link to `/alerts/{id}`. */
  publicUrl: string;
  /** Bounds every request (and each SMTP stage). */
  timeoutMs: number;
  /** For contact points without a language of their own (HUB_NOTIFY_LANGUAGE). */
  language?: NotifyLanguage;
  /** The shipped templates with the admins' overrides; read for every message. */
  templates?: MessageTemplateSource;
  /** The county's time zone (HUB_TIME_ZONE), for the times in messages; UTC when not given. */
  timeZone?: string;
  now?: () => number;
}

/** What sendDocument sends: a whole email of its own. */
export interface EmailDocument {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  readonly attachments: readonly EmailAttachment[];
}

export interface SendOptions {
  /** A test message: marked as such in the text and in the webhook body. */
  test?: boolean;
}

/**
 * Renders one alert change into a contact point's own message format and sends it. Never throws for a failed
 * delivery: the answer is a DeliveryResult saying whether a later attempt may help, for the caller's log and retries.
 */
export class ContactPointSender {
  private readonly templates: MessageTemplateSource;
  private readonly language: NotifyLanguage;
  private readonly now: () => number;

  constructor(private readonly options: ContactPointSenderOptions) {
    this.language = options.language ?? DEFAULT_LANGUAGE;
    this.templates = options.templates ?? SHIPPED_TEMPLATES;
    this.now = options.now ?? Date.now;
  }

  async send(point: ContactPoint, change: AlertChange, options: SendOptions = {}): Promise<DeliveryResult> {
    return this.sendGroup(point, [change], options);
  }

  /**
   * Several alert changes of one incident (a notification policy's group) as ONE message: each change rendered by
   * the templates, then joined — one email, one robot message, one webhook body listing them — so thirty meters
   * crossing one rule stay under a robot's 20 messages a minute. An SMS goes out once, with the first change's
   * fields: its text is the carrier-registered template's.
   */
  /** The language a contact point's messages are written in: its own, else the hub's (HUB_NOTIFY_LANGUAGE). */
  languageOf(point: ContactPoint): NotifyLanguage {
    return point.language ?? this.language;
  }

  async sendGroup(point: ContactPoint, changes: readonly AlertChange[], options: SendOptions = {}): Promise<DeliveryResult> {
    const test = options.test ?? false;
    const first = changes[0];
    if (first === undefined) return { ok: true, providerAnswer: 'nothing to send', retryable: false };
    const templates = this.templates.templatesFor(point.language ?? this.language);
    const views = changes.map((change) => alertMessageView(change, this.options.publicUrl, templates, test, this.options.timeZone));
    const message = joined(views.map((view) => renderMessage(view, templates)));
    const change = first;
    const view = views[0]!;
    switch (point.kind) {
      case 'email':
        return sendEmail(point.settings, message, this.options.timeoutMs);
      case 'dingtalk':
        return this.dingTalk(point.settings, message);
      case 'feishu':
        return this.feishu(point.settings, message, highest(changes.map((each) => each.alert.severity)));
      case 'wecom':
        return this.weCom(point.settings, message);
      case 'sms':
        return this.sms(point.settings, smsParams(view));
      case 'webhook':
        return changes.length === 1 ? this.webhook(point.name, point.settings, change, message, test) : this.webhookGroup(point.name, point.settings, changes, message, test);
    }
  }

  /**
   * A document that is not an alert change (a scheduled report): its own subject, text and HTML, with files attached.
   * Only an email contact point can carry files; any other kind answers a permanent failure saying so.
   */
  async sendDocument(point: ContactPoint, document: EmailDocument): Promise<DeliveryResult> {
    if (point.kind !== 'email') return { ok: false, providerAnswer: `a ${point.kind} contact point cannot carry a document; use an email contact point`, retryable: false };
    return sendEmail(point.settings, document, this.options.timeoutMs, document.attachments);
  }

  /** The robot's `timestamp` (ms) and `sign` query parameters when it has a secret; markdown message. */
  private async dingTalk(settings: DingTalkSettings, message: RenderedMessage): Promise<DeliveryResult> {
    let url = settings.url;
    if (settings.secret !== null) {
      const timestamp = this.now();
      url += `${url.includes('?') ? '&' : '?'}timestamp=${timestamp}&sign=${dingTalkSign(timestamp, settings.secret)}`;
    }
    const body = { msgtype: 'markdown', markdown: { title: message.markdownTitle, text: message.markdown } };
    const answer = await httpPost(url, JSON.stringify(body), {}, this.options.timeoutMs, shown(settings.url));
    return isHttpAnswer(answer) ? robotResult('dingtalk', answer.status, answer.body) : answer;
  }

  /** `timestamp` (seconds, as a string) and `sign` in the body; an interactive card or plain text. */
  private async feishu(settings: FeishuSettings, message: RenderedMessage, severity: Severity): Promise<DeliveryResult> {
    const signature: Record<string, string> = {};
    if (settings.secret !== null) {
      const timestamp = Math.floor(this.now() / 1000);
      signature.timestamp = String(timestamp);
      signature.sign = feishuSign(timestamp, settings.secret);
    }
    const content =
      settings.format === 'text'
        ? { msg_type: 'text', content: { text: `${message.subject}\n\n${message.text}` } }
        : {
            msg_type: 'interactive',
            card: {
              header: { title: { tag: 'plain_text', content: message.markdownTitle }, template: CARD_COLOURS[severity] },
              // lark_md has no headings: the title is the card's header.
              elements: [{ tag: 'div', text: { tag: 'lark_md', content: withoutHeading(message.markdown) } }],
            },
          };
    const answer = await httpPost(settings.url, JSON.stringify({ ...signature, ...content }), {}, this.options.timeoutMs, shown(settings.url));
    return isHttpAnswer(answer) ? robotResult('feishu', answer.status, answer.body) : answer;
  }

  /** The key is in the URL; no signature. Markdown content is limited to 4096 bytes by WeCom. */
  private async weCom(settings: WeComSettings, message: RenderedMessage): Promise<DeliveryResult> {
    const body = { msgtype: 'markdown', markdown: { content: truncateBytes(message.markdown, WECOM_MARKDOWN_BYTES) } };
    const answer = await httpPost(settings.url, JSON.stringify(body), {}, this.options.timeoutMs, shown(settings.url));
    return isHttpAnswer(answer) ? robotResult('wecom', answer.status, answer.body) : answer;
  }

  /** The gateway request rendered from the contact point's templates; success as the contact point defines it. */
  private async sms(settings: SmsSettings, params: ReturnType<typeof smsParams>): Promise<DeliveryResult> {
    const request = renderSmsRequest(settings, smsTemplateView(settings, params));
    let target: string;
    try {
      target = shown(request.url);
    } catch {
      return { ok: false, providerAnswer: 'the url template rendered an invalid URL', retryable: false };
    }
    const answer = await httpSend(request.method, request.url, request.body, request.headers, this.options.timeoutMs, target);
    return isHttpAnswer(answer) ? smsResult(settings, answer.status, answer.body) : answer;
  }

  /** A group: `{ contactPoint, test, changes: [{ …change, link }], subject, text }`, signed the same way. */
  private webhookGroup(name: string, settings: WebhookSettings, changes: readonly AlertChange[], message: RenderedMessage, test: boolean): Promise<DeliveryResult> {
    const body = JSON.stringify({ contactPoint: name, test, changes: changes.map((change) => ({ ...change, link: alertLink(this.options.publicUrl, change.alert.id) })), subject: message.subject, text: message.text });
    return this.postSigned(settings, body);
  }

  /** The change as JSON, signed over `{timestamp}.{body}` when the contact point has a secret. */
  private async webhook(name: string, settings: WebhookSettings, change: AlertChange, message: RenderedMessage, test: boolean): Promise<DeliveryResult> {
    const body = JSON.stringify({ contactPoint: name, test, ...change, subject: message.subject, text: message.text, link: alertLink(this.options.publicUrl, change.alert.id) });
    return this.postSigned(settings, body);
  }

  private async postSigned(settings: WebhookSettings, body: string): Promise<DeliveryResult> {
    const headers: Record<string, string> = {};
    if (settings.secret !== null) {
      const timestamp = Math.floor(this.now() / 1000);
      headers['x-hub-timestamp'] = String(timestamp);
      headers['x-hub-signature'] = webhookSignature(timestamp, body, settings.secret);
    }
    const answer = await httpPost(settings.url, body, headers, this.options.timeoutMs, shown(settings.url));
    if (!isHttpAnswer(answer)) return answer;
    const ok = answer.status >= 200 && answer.status <= 299;
    return { ok, status: answer.status, providerAnswer: truncateAnswer(answer.body), retryable: !ok && retryableHttpStatus(answer.status) };
  }
}

const SEVERITY_ORDER: readonly Severity[] = ['info', 'warning', 'critical'];

function highest(severities: readonly Severity[]): Severity {
  return severities.reduce((top, each) => (SEVERITY_ORDER.indexOf(each) > SEVERITY_ORDER.indexOf(top) ? each : top), 'info');
}

/** One message for several: the first's subject with the count, each text in turn, divided by rules. */
function joined(messages: readonly RenderedMessage[]): RenderedMessage {
  const [first] = messages;
  if (messages.length === 1 || first === undefined) return first as RenderedMessage;
  const more = ` (+${messages.length - 1} more)`;
  return {
    subject: `${first.subject}${more}`,
    markdownTitle: `${first.markdownTitle}${more}`,
    text: messages.map((message) => message.text).join('\n\n---\n\n'),
    markdown: messages.map((message) => message.markdown).join('\n\n---\n\n'),
    html: messages.map((message) => message.html).join('<hr>'),
  };
}

/** Origin only: DingTalk and WeCom carry the token in the query, Feishu in the path. */
function shown(url: string): string {
  return new URL(url).origin;
}

/** Cut to at most `limit` UTF-8 bytes without splitting a character. */
export function truncateBytes(text: string, limit: number): string {
  if (Buffer.byteLength(text) <= limit) return text;
  let cut = text.slice(0, limit);
  while (Buffer.byteLength(cut) > limit - 3) cut = cut.slice(0, -1);
  return `${cut}…`;
}

export function withoutHeading(markdown: string): string {
  return markdown.replace(/^#+ .*\n+/, '');
}

