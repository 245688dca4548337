import type { ApiIssue, IssueParams } from '@hub/api-types';
import { currentLanguage, t, type MessageId } from '../i18n/i18n';

/**
 * The hub's refusals in the operator's language. The hub answers with a stable code (and, per field of a refused
 * body, an issue code) next to its English text; English readers get that text as it is (it is the most precise),
 * others the code's sentence from their catalogue. A code this console does not know, and a problem particular to one
 * field (issue code absent), keep the hub's English: better precise in English than vague in Chinese.
 */
const ERROR_MESSAGES: Readonly<Record<string, MessageId>> = {
  'alert-already-resolved': 'errors.alertAlreadyResolved',
  'alert-not-firing': 'errors.alertNotFiring',
  'area-exists': 'errors.areaExists',
  'area-has-villages': 'errors.areaHasVillages',
  'area-in-use': 'errors.areaInUse',
  'area-not-found': 'errors.areaNotFound',
  'command-not-found': 'errors.commandNotFound',
  'contact-point-exists': 'errors.contactPointExists',
  'contact-point-not-found': 'errors.contactPointNotFound',
  'database-unavailable': 'errors.databaseUnavailable',
  'device-not-found': 'errors.deviceNotFound',
  'device-out-of-scope': 'errors.deviceOutOfScope',
  'invalid-input': 'errors.invalidInput',
  'profile-not-found': 'errors.profileNotFound',
  'rule-changed-meanwhile': 'errors.ruleChangedMeanwhile',
  'too-many-requests': 'errors.tooManyRequests',
  'body-unreadable': 'errors.bodyUnreadable',
  'payload-too-large': 'errors.payloadTooLarge',
};

const ISSUE_MESSAGES: Readonly<Record<string, MessageId>> = {
  required: 'errors.issue.required',
  'not-object': 'errors.issue.notObject',
  'unknown-field': 'errors.issue.unknownField',
  text: 'errors.issue.text',
  pattern: 'errors.issue.pattern',
  boolean: 'errors.issue.boolean',
  'one-of': 'errors.issue.oneOf',
  duration: 'errors.issue.duration',
  list: 'errors.issue.list',
  'list-item': 'errors.issue.listItem',
  repeated: 'errors.issue.repeated',
};

/** The hub's refusal (`code`, its values, the English message) as the operator reads it. */
export function errorText(code: string | undefined, params: IssueParams, message: string): string {
  const id = code === undefined ? undefined : ERROR_MESSAGES[code];
  return id === undefined || currentLanguage() === 'en' ? message : t(id, params);
}

/** One field's problem as the operator reads it. */
export function issueText(issue: ApiIssue): string {
  if (currentLanguage() === 'en' || issue.code === undefined) return issue.problem;
  const params = issue.params ?? {};
  if (issue.code === 'number') return t(numberMessage(params), params);
  const id = ISSUE_MESSAGES[issue.code];
  return id === undefined ? issue.problem : t(id, params);
}

function numberMessage(params: IssueParams): MessageId {
  if (params.min !== undefined && params.max !== undefined) return 'errors.issue.numberBetween';
  if (params.min !== undefined) return 'errors.issue.numberAtLeast';
  if (params.max !== undefined) return 'errors.issue.numberAtMost';
  return 'errors.issue.number';
}
