import { type DomainIssue, InvalidInputError, JsonInputReader } from '@hub/common';
import { CONTACT_POINT_KINDS, type ContactPointKind } from './contact-point';
import { type MessageTemplates, NOTIFY_LANGUAGES, type NotifyLanguage, TEMPLATE_NAMES, type TemplateName, withOverrides } from './message-templates';
import { templateProblems } from './template-check';

/** What a preview renders: a language's templates with the texts being tried, for the sample or a stored alert. */
export interface PreviewRequest {
  language: NotifyLanguage;
  templates: MessageTemplates;
  kind: ContactPointKind | undefined;
  alertId: number | undefined;
  test: boolean;
}

/** PUT /api/notification-templates/{language}/{name}: `{ "body": "…" }`, checked against the language's other texts. */
export function parseTemplateBody(body: unknown, name: TemplateName, current: MessageTemplates): string {
  const issues: DomainIssue[] = [];
  const read = JsonInputReader.of(body, '', issues, ['body']);
  if (read === undefined) throw new InvalidInputError(`template ${name}`, issues);
  if (!read.has('body')) read.fail('body', `is required: the new text of ${name}`);
  else for (const problem of templateProblems(name, read.raw('body'), current)) read.fail('body', problem);
  if (issues.length > 0) throw new InvalidInputError(`template ${current.language}/${name}`, issues);
  return read.raw('body') as string;
}

/**
 * POST /api/notification-templates/preview: `{ language, template?: { name: body }, contactPointKind?, alertId?, test? }`.
 * Each text tried is checked as a save would check it; a refusal names it (`template.subject`).
 */
export function parsePreviewRequest(body: unknown, templatesFor: (language: NotifyLanguage) => MessageTemplates): PreviewRequest {
  const issues: DomainIssue[] = [];
  const read = JsonInputReader.of(body, '', issues, ['language', 'template', 'contactPointKind', 'alertId', 'test']);
  if (read === undefined) throw new InvalidInputError('template preview', issues);
  const language = read.requiredOneOf('language', NOTIFY_LANGUAGES);
  const kind = read.oneOf('contactPointKind', CONTACT_POINT_KINDS);
  const alertId = read.number('alertId', { min: 1, integer: true });
  const test = read.boolean('test') ?? false;
  const tried = read.object('template', TEMPLATE_NAMES);
  let templates = language === undefined ? undefined : templatesFor(language);
  if (tried !== undefined && templates !== undefined) {
    const overrides: Partial<Record<TemplateName, string>> = {};
    for (const name of TEMPLATE_NAMES) {
      if (!tried.has(name)) continue;
      const problems = templateProblems(name, tried.raw(name), templates);
      for (const problem of problems) tried.fail(name, problem);
      if (problems.length === 0) overrides[name] = tried.raw(name) as string;
    }
    templates = withOverrides(templates, overrides);
  }
  if (issues.length > 0 || language === undefined || templates === undefined) throw new InvalidInputError('template preview', issues);
  return { language, templates, kind, alertId, test };
}
