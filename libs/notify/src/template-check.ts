import Mustache from 'mustache';
import { alertMessageView, renderTemplate } from './alert-message';
import { isMustacheTemplate, type MessageTemplates, type TemplateName, templateText, withOverrides } from './message-templates';
import { sampleAlertChange } from './sample-alert';
import { TEMPLATE_FIELD_NAMES } from './template-fields';

/** Limits: a subject or title is one line in a list; a body stays well under WeCom's 4096 bytes once rendered. */
const MAX_CHARS: Readonly<Record<'line' | 'body' | 'words', number>> = { line: 500, body: 16_384, words: 100 };
const LINE_TEMPLATES: readonly TemplateName[] = ['subject', 'markdownTitle'];
/** Mustache token types that read a field: `{{x}}`, `{{{x}}}` / `{{&x}}`, `{{#x}}`, `{{^x}}`. */
const FIELD_TOKENS = new Set(['name', '&', '#', '^']);
const SAMPLE_URL = 'https://hub.county.example';
/** Any time: no template can tell one from another, and the check stays a pure function. */
const SAMPLE_AT = Date.parse('2026-01-01T00:00:00Z');

type Token = [type: string, value: string, start: number, end: number, children?: Token[]];

/**
 * What is wrong with one text an admin wants to use as `name` in `base`'s language (empty when nothing): it must
 * parse, use only the fields of AlertMessageView, keep HTML escaped, fit its size limit and render to something
 * for the sample alert — so that no broken template is found only when an alert fires at night.
 */
export function templateProblems(name: TemplateName, body: unknown, base: MessageTemplates): string[] {
  const limit = MAX_CHARS[isMustacheTemplate(name) ? (LINE_TEMPLATES.includes(name) ? 'line' : 'body') : 'words'];
  if (typeof body !== 'string') return [`must be a string, got ${body === null ? 'null' : Array.isArray(body) ? 'an array' : typeof body}`];
  if (body.length > limit) return [`must be at most ${limit} characters, got ${body.length}`];
  if (!isMustacheTemplate(name)) return wordProblems(name, body);
  let tokens: Token[];
  try {
    tokens = Mustache.parse(body) as Token[];
  } catch (error) {
    return [`is not a valid mustache template: ${parseError(error, body)}`];
  }
  const problems: string[] = [];
  const used = fieldTokens(tokens);
  const unknown = [...new Set(used.filter(([type, field]) => type !== '>' && field !== '.' && !TEMPLATE_FIELD_NAMES.includes(field)).map(([, field]) => field))];
  if (unknown.length > 0) problems.push(`uses unknown field${unknown.length > 1 ? 's' : ''} ${unknown.map((field) => `{{${field}}}`).join(', ')}; the fields are ${TEMPLATE_FIELD_NAMES.join(', ')}`);
  if (used.some(([type]) => type === '>')) problems.push('must not use partials ({{> name}}): there are none');
  if (name === 'html' && used.some(([type]) => type === '&')) problems.push('must not use {{{field}}} or {{&field}}: in HTML every field is escaped, since rule names and notes are typed by people');
  if (problems.length > 0) return problems;
  const templates = withOverrides(base, { [name]: body });
  const view = alertMessageView(sampleAlertChange(SAMPLE_AT), SAMPLE_URL, templates, false);
  if (renderTemplate(name, templateText(templates, name), view).trim() === '') problems.push('renders empty for the sample alert: a message needs some text');
  return problems;
}

/** The words put into templates are values, not templates: one non-empty line of text. */
function wordProblems(name: TemplateName, body: string): string[] {
  if (body.trim() === '') return [`must not be empty: ${name} is put into the messages`];
  if (/[\r\n]/.test(body)) return ['must be one line'];
  if (body.includes('{{')) return ['is put into the templates as it is, not rendered: it cannot use {{fields}}'];
  return [];
}

/** Every tag that reads a field or a partial, in nested sections too: [type, name]. */
function fieldTokens(tokens: readonly Token[]): Array<[string, string]> {
  return tokens.flatMap((token) => {
    const [type, value, , , children] = token;
    const own: Array<[string, string]> = FIELD_TOKENS.has(type) || type === '>' ? [[type, value]] : [];
    return Array.isArray(children) ? [...own, ...fieldTokens(children)] : own;
  });
}

/** Mustache says `Unclosed tag at 42`: the offset is turned into a line and column a person can find. */
function parseError(error: unknown, body: string): string {
  const message = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
  const at = /\bat (\d+)$/.exec(message);
  if (at === null) return message;
  const offset = Number(at[1]);
  const before = body.slice(0, offset).split('\n');
  return `${message} (line ${before.length}, column ${(before[before.length - 1]?.length ?? 0) + 1})`;
}
