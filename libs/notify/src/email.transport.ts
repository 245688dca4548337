import { createTransport } from 'nodemailer';
import type { EmailSettings } from './contact-point';
import { type DeliveryResult, truncateAnswer } from './delivery-result';
import type { RenderedMessage } from './alert-message';

/** A file sent with an email (a scheduled report's CSV and printable page). */
export interface EmailAttachment {
  readonly filename: string;
  readonly content: string;
  /** With its charset, e.g. `text/csv; charset=utf-8`. */
  readonly contentType: string;
}

/**
 * One message over SMTP with nodemailer, one connection per send (contact points are few and sends rare; a pool
 * would hold sockets open to every mail server). An SMTP reply 4xx is temporary by RFC 5321 §4.2.1, 5xx permanent;
 * no reply at all (timeout, refused) is retryable.
 */
export async function sendEmail(settings: EmailSettings, message: Pick<RenderedMessage, 'subject' | 'text' | 'html'>, timeoutMs: number, attachments: readonly EmailAttachment[] = []): Promise<DeliveryResult> {
  const transport = createTransport({
    host: settings.host,
    port: settings.port,
    secure: settings.security === 'tls',
    requireTLS: settings.security === 'starttls',
    ignoreTLS: settings.security === 'none',
    auth: settings.username === null ? undefined : { user: settings.username, pass: settings.password ?? '' },
    tls: settings.ca === null ? undefined : { ca: settings.ca },
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    logger: false,
    debug: false,
  });
  try {
    const info = await transport.sendMail({
      from: settings.from,
      to: settings.to,
      subject: message.subject,
      text: message.text,
      html: message.html,
      ...(attachments.length === 0 ? {} : { attachments: attachments.map((attachment) => ({ ...attachment })) }),
    });
    return { ok: true, status: smtpCode(info.response), providerAnswer: truncateAnswer(info.response), retryable: false };
  } catch (error) {
    const { responseCode, response, message: text } = error as { responseCode?: number; response?: string; message?: string };
    const answer = truncateAnswer(response ?? text ?? String(error));
    if (typeof responseCode === 'number') return { ok: false, status: responseCode, providerAnswer: answer, retryable: responseCode < 500 };
    return { ok: false, providerAnswer: answer, retryable: true };
  } finally {
    transport.close();
  }
}

function smtpCode(response: string): number | undefined {
  const code = Number.parseInt(response.slice(0, 3), 10);
  return Number.isInteger(code) ? code : undefined;
}
