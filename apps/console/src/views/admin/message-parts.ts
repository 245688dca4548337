import { type MessageId, t } from '../../i18n/i18n';

/** A character no message holds: it marks where an element goes in the translated text. */
const MARK = '\u0001';

/** One piece of a translated sentence: its own words, or the name of the element that goes there. */
export type MessagePiece = { readonly text: string } | { readonly part: string };

/**
 * A translated sentence cut where its arguments stand, in the language's own order ("since {time}" → "自 {time} 起"),
 * so a <code> or a <Time> can go in its place.
 */
export function messagePieces(id: MessageId, parts: readonly string[]): MessagePiece[] {
  const marks = Object.fromEntries(parts.map((name) => [name, `${MARK}${name}${MARK}`]));
  return t(id, marks)
    .split(MARK)
    .map((piece, index) => (index % 2 === 1 ? { part: piece } : { text: piece }))
    .filter((piece) => !('text' in piece) || piece.text !== '');
}
