import type { TemplatePreview } from '@hub/api-types';
import { type AlertChange, alertMessageView, renderMessage } from './alert-message';
import type { ContactPointKind } from './contact-point';
import { truncateBytes, WECOM_MARKDOWN_BYTES, withoutHeading } from './contact-point.sender';
import type { MessageTemplates } from './message-templates';
import { smsParams } from './sms-request';

/**
 * One alert change rendered as a contact point would get it, for an admin trying templates: every part, and with a
 * kind, the parts that kind sends as it sends them (Feishu's card drops the heading, WeCom is cut at 4096 bytes,
 * SMS takes only the params for the carrier's registered template).
 */
export function previewMessage(change: AlertChange, publicUrl: string, templates: MessageTemplates, options: { test: boolean; kind?: ContactPointKind; timeZone?: string }): TemplatePreview {
  const view = alertMessageView(change, publicUrl, templates, options.test, options.timeZone);
  const message = renderMessage(view, templates);
  const preview = { language: templates.language, alertId: change.alert.id, ...message };
  if (options.kind === undefined) return preview;
  const sent: Record<ContactPointKind, Record<string, unknown>> = {
    email: { subject: message.subject, text: message.text, html: message.html },
    dingtalk: { title: message.markdownTitle, text: message.markdown },
    feishu: { title: message.markdownTitle, content: withoutHeading(message.markdown), text: `${message.subject}\n\n${message.text}` },
    wecom: { content: truncateBytes(message.markdown, WECOM_MARKDOWN_BYTES) },
    sms: { params: smsParams(view) },
    webhook: { subject: message.subject, text: message.text, link: view.link },
  };
  return { ...preview, sent: { kind: options.kind, ...sent[options.kind] } };
}
