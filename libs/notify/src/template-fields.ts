import type { TemplateFieldView } from '@hub/api-types';
import type { AlertMessageView } from './alert-message';

/** What each field of AlertMessageView holds, for admins writing templates; a Record so a new field cannot go undescribed. */
const DESCRIPTIONS: Readonly<Record<keyof AlertMessageView, string>> = {
  testPrefix: 'the language’s testPrefix words ([TEST] ) on a test message, else empty',
  alertId: 'the alert’s number, as in the console (0 for the sample alert)',
  ruleName: 'the rule’s name, as entered',
  summary: 'the rule’s condition in words, in the message’s language: methane_ppm above 1000 ppm for 1m',
  severity: 'the severity in the language’s words (severities.*): CRITICAL, 严重',
  eventWords: 'what happened in the language’s words (events.*): fired, 告警触发',
  state: 'the alert’s state: firing, acknowledged or resolved',
  domain: 'the device’s domain: water, power, gas, heat, traffic',
  deviceId: 'the device’s id',
  town: 'the device’s town, or nothing (use {{#town}}…{{/town}})',
  townOrNone: 'the town, or — when the device has none',
  value: 'the last value seen',
  unit: 'the metric’s unit: ppm, kPa, °C',
  since: 'when the condition began, on the county’s clock (HUB_TIME_ZONE): 2026-12-06 12:50:00 (Asia/Shanghai)',
  sinceIso: 'the same instant for machines: ISO 8601, UTC',
  actor: 'who acted (acknowledged, commented), or nothing for the system',
  note: 'the operator’s note or comment, or nothing',
  link: 'the alert in the console: {HUB_PUBLIC_URL}/alerts/{id}',
};

export const TEMPLATE_FIELDS: readonly TemplateFieldView[] = Object.entries(DESCRIPTIONS).map(([name, description]) => ({ name, description }));

export const TEMPLATE_FIELD_NAMES: readonly string[] = Object.keys(DESCRIPTIONS);
