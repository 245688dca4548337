import Mustache from 'mustache';
import type { AlertMessageView } from './alert-message';
import type { SmsSettings } from './contact-point';
import { type DeliveryResult, retryableHttpStatus, truncateAnswer } from './delivery-result';

/** The request an SMS gateway gets, rendered from the contact point's templates. */
export interface SmsRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | undefined;
}

/** The alert fields an SMS template passes to the carrier's registered template, as plain strings. */
export type SmsParams = Record<'rule' | 'summary' | 'severity' | 'event' | 'device' | 'town' | 'value' | 'unit' | 'since' | 'link' | 'alertId', string>;

/**
 * What `url` and `body` templates may use. Nothing is escaped for you; pick the encoding the request needs:
 * `{{templateId}}`, `{{phones}}` (comma-separated), `{{params.device}}` raw; `{{json.device}}`, `{{json.phones}}`,
 * `{{json.params}}` as JSON literals (quotes included) for JSON bodies; `{{json.paramsText}}` the params object as
 * a JSON string literal (Aliyun's TemplateParam); `{{form.device}}`, `{{form.phones}}` URL-encoded for queries and
 * form bodies.
 */
export interface SmsTemplateView {
  templateId: string;
  phones: string;
  params: SmsParams;
  json: Record<string, string>;
  form: Record<string, string>;
}

const RAW = { escape: (value: unknown): string => String(value) };

export function smsParams(view: AlertMessageView): SmsParams {
  return {
    rule: view.ruleName,
    summary: view.summary,
    severity: view.severity,
    event: view.eventWords,
    device: view.deviceId,
    town: view.townOrNone,
    value: view.value,
    unit: view.unit,
    since: view.since,
    link: view.link,
    alertId: String(view.alertId),
  };
}

export function smsTemplateView(settings: Pick<SmsSettings, 'templateId' | 'phoneNumbers'>, params: SmsParams): SmsTemplateView {
  const phones = settings.phoneNumbers.join(',');
  const values: Record<string, string> = { ...params, templateId: settings.templateId, phones };
  return {
    templateId: settings.templateId,
    phones,
    params,
    json: {
      ...Object.fromEntries(Object.entries(values).map(([key, value]) => [key, JSON.stringify(value)])),
      phones: JSON.stringify(settings.phoneNumbers),
      params: JSON.stringify(params),
      paramsText: JSON.stringify(JSON.stringify(params)),
    },
    form: Object.fromEntries(Object.entries(values).map(([key, value]) => [key, encodeURIComponent(value)])),
  };
}

export function renderSmsRequest(settings: SmsSettings, view: SmsTemplateView): SmsRequest {
  const body = settings.method === 'GET' || settings.body === null ? undefined : Mustache.render(settings.body, view, {}, RAW);
  return {
    method: settings.method,
    url: Mustache.render(settings.url, view, {}, RAW),
    headers: { ...(body === undefined ? {} : { 'content-type': settings.contentType }), ...settings.headers },
    body,
  };
}

/** HTTP 2xx and, when configured, the answer's `jsonPath` equal to `equals` (a gateway that answers 200 with an error code). */
export function smsResult(settings: SmsSettings, status: number, body: string): DeliveryResult {
  const answer = truncateAnswer(body);
  if (status < 200 || status > 299) return { ok: false, status, providerAnswer: answer, retryable: retryableHttpStatus(status) };
  if (settings.success === null) return { ok: true, status, providerAnswer: answer, retryable: false };
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { ok: false, status, providerAnswer: answer, retryable: false };
  }
  const value = settings.success.jsonPath.split('.').reduce<unknown>((at, key) => (typeof at === 'object' && at !== null ? (at as Record<string, unknown>)[key] : undefined), parsed);
  return { ok: value === settings.success.equals, status, providerAnswer: answer, retryable: false };
}
