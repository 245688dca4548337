/** One field a message template may use (`{{deviceId}}`), with what it holds. */
export interface TemplateFieldView {
  readonly name: string;
  readonly description: string;
}

/** One overridable text of a language: its shipped default and the admin's override, if any. */
export interface NotificationTemplateView {
  readonly language: string;
  /** `subject`, `text`, `html`, `markdownTitle`, `markdown`, `testPrefix`, `events.fired` … `severities.critical`. */
  readonly name: string;
  /** `mustache`: a template over the fields; `html`: the same, rendered with HTML escaping; `words`: plain text put into the templates. */
  readonly kind: 'mustache' | 'html' | 'words';
  readonly default: string;
  readonly override: { readonly body: string; readonly updatedAt: string; readonly updatedBy: string } | null;
  /** What messages use now: the override, else the default. */
  readonly body: string;
}

/** GET /api/notification-templates. */
export interface NotificationTemplatesView {
  readonly languages: readonly { readonly language: string; readonly templates: readonly NotificationTemplateView[] }[];
  readonly fields: readonly TemplateFieldView[];
}

/** POST /api/notification-templates/preview: the message as a contact point would get it, nothing saved. */
export interface TemplatePreview {
  readonly language: string;
  /** The alert rendered: 0 for the sample alert. */
  readonly alertId: number;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  readonly markdownTitle: string;
  readonly markdown: string;
  /**
   * With a contactPointKind: what that kind carries — email { subject, text, html }; dingtalk { title, text };
   * feishu { title, content (card, no heading), text (text format) }; wecom { content ≤ 4096 bytes }; sms { params };
   * webhook { subject, text, link }.
   */
  readonly sent?: { readonly kind: string } & Readonly<Record<string, unknown>>;
}

/** POST /api/notification-templates/preview. */
export interface TemplatePreviewRequest {
  readonly language: string;
  /** Texts to try in place of the stored ones: name → body, nothing saved. */
  readonly template?: Readonly<Record<string, string>>;
  readonly contactPointKind?: string;
  /** A real alert in the caller's scope instead of the sample. */
  readonly alertId?: number;
  /** Render as a test message (testPrefix set). */
  readonly test?: boolean;
}
