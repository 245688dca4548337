import type { NotifyLanguage } from './message-templates';

/**
 * A contact point: one named place an alert change can be sent to (an SMTP mailbox list, a group robot, a signed
 * webhook). Routes (issue 16, later) name contact points, so the name is the stable id.
 */
export const CONTACT_POINT_KINDS = ['email', 'dingtalk', 'feishu', 'wecom', 'sms', 'webhook'] as const;
export type ContactPointKind = (typeof CONTACT_POINT_KINDS)[number];

export const CONTACT_POINT_NAME_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;
export const CONTACT_POINT_NAME_TEXT = 'lower-case letters, digits and -, 1–40 characters, e.g. gas-on-call';

export const EMAIL_SECURITIES = ['starttls', 'tls', 'none'] as const;
export type EmailSecurity = (typeof EMAIL_SECURITIES)[number];

export interface EmailSettings {
  host: string;
  port: number;
  /** starttls: plain connect, then STARTTLS is required; tls: TLS from the first byte (465); none: never TLS. */
  security: EmailSecurity;
  username: string | null;
  password: string | null;
  /** PEM of the CA(s) that signed the server's certificate (a county's own CA); null: the system's trust store. */
  ca: string | null;
  from: string;
  to: string[];
}

export interface DingTalkSettings {
  /** https://oapi.dingtalk.com/robot/send?access_token=… — the token makes it a secret. */
  url: string;
  /** The robot's 加签 secret (SEC…); null when the robot is protected by keywords or IP instead. */
  secret: string | null;
}

export const FEISHU_FORMATS = ['card', 'text'] as const;
export type FeishuFormat = (typeof FEISHU_FORMATS)[number];

export interface FeishuSettings {
  /** https://open.feishu.cn/open-apis/bot/v2/hook/<token> — the token makes it a secret. */
  url: string;
  secret: string | null;
  format: FeishuFormat;
}

export interface WeComSettings {
  /** https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=… — the key is the robot's only credential. */
  url: string;
}

export const SMS_METHODS = ['POST', 'PUT', 'GET'] as const;
export type SmsMethod = (typeof SMS_METHODS)[number];

/**
 * An HTTP SMS gateway request, so Aliyun/Tencent-style providers or a county's own gateway fit without code. `url`
 * and `body` are mustache templates (no escaping; `json.*` and `form.*` give encoded values, see sms-request.ts).
 */
export interface SmsSettings {
  method: SmsMethod;
  /** A template; may carry an API key in its query, so it is a secret. */
  url: string;
  /** Sent as given; typically the gateway's credentials (Authorization, X-Api-Key), so they are secret. */
  headers: Record<string, string>;
  contentType: string;
  /** The body template (absent for GET). */
  body: string | null;
  /** The carrier-registered template id: Chinese carriers refuse SMS not sent through one. */
  templateId: string;
  phoneNumbers: string[];
  /** Besides HTTP 2xx: the JSON answer's value at `jsonPath` (dotted) must equal `equals`. */
  success: { jsonPath: string; equals: string | number | boolean } | null;
}

export interface WebhookSettings {
  url: string;
  /** Signs each body (X-Hub-Signature); null sends it unsigned. */
  secret: string | null;
}

export type ContactPointSettings =
  | { kind: 'email'; settings: EmailSettings }
  | { kind: 'dingtalk'; settings: DingTalkSettings }
  | { kind: 'feishu'; settings: FeishuSettings }
  | { kind: 'wecom'; settings: WeComSettings }
  | { kind: 'sms'; settings: SmsSettings }
  | { kind: 'webhook'; settings: WebhookSettings };

/** `language`: the messages' language (en, zh); null takes HUB_NOTIFY_LANGUAGE. */
export type ContactPoint = { name: string; language: NotifyLanguage | null } & ContactPointSettings;

/** Fields never returned, logged or audited: set through the API, read only by the sender. */
export const SECRET_FIELDS: Readonly<Record<ContactPointKind, readonly string[]>> = {
  email: ['password'],
  dingtalk: ['url', 'secret'],
  feishu: ['url', 'secret'],
  wecom: ['url'],
  sms: ['url', 'headers'],
  webhook: ['secret'],
};

export interface StoredContactPoint {
  point: ContactPoint;
  createdAt: number;
  createdBy: string;
  updatedAt: number;
  updatedBy: string;
}
