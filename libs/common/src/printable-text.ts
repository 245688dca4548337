// Control, format (bidi overrides, zero-width, BOM) and lone surrogate code points, plus the two JavaScript line breaks.
export const UNPRINTABLE_CLASS = '[\\p{Cc}\\p{Cf}\\p{Cs}\\u2028\\u2029]';
const UNPRINTABLE = new RegExp(UNPRINTABLE_CLASS, 'gu');
const FIRST_UNPRINTABLE = new RegExp(UNPRINTABLE_CLASS, 'u');

/**
 * A town name wherever one is typed (registry, operator and API-key scopes, integration clients, rule selectors):
 * 1–100 characters, no leading or trailing space, nothing invisible or layout-changing (a right-to-left override
 * would make one town look like another on every screen).
 */
export const TOWN_NAME_PATTERN = new RegExp(`^(?!.*${UNPRINTABLE_CLASS})\\S(.{0,98}\\S)?$`, 'u');
export const TOWN_NAME_RULE = 'a town name of 1–100 characters, without control or invisible formatting characters';

/**
 * Text from outside (payload keys, parser messages quoting a payload) made safe to show in a dead letter's detail, a
 * log line or the console: every invisible or layout-changing character becomes a visible `\uXXXX` escape, so a NUL
 * or a right-to-left override cannot hide or disguise what a device sent.
 */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (char) => {
    const code = char.codePointAt(0) ?? 0;
    return code > 0xffff ? `\\u{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** A name or value from outside in double quotes, cut to `max` characters and printable. */
export function quoted(text: string, max = 64): string {
  return printable(JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text));
}

/**
 * The first character `printable` would escape, or null: for names that must not hold any (a town stored as an
 * InfluxDB tag is kept byte for byte, and a right-to-left override in it would disguise it on every screen).
 */
export function firstUnprintable(text: string): string | null {
  return FIRST_UNPRINTABLE.exec(text)?.[0] ?? null;
}
