import { type ComponentChild, Fragment, type JSX } from 'preact';
import { type MessageId, t } from '../../i18n/i18n';

/** A character no message holds: it marks where an element goes in the translated text. */
const MARK = '\u0001';

/**
 * A translated sentence with elements inside it (a <code>, a <strong>, a <Time>): each argument is an element, put
 * where the language's word order puts it, so no sentence is cut into pieces that only fit English.
 */
export function RichMessage(props: { id: MessageId; parts: Readonly<Record<string, ComponentChild>> }): JSX.Element {
  const marks = Object.fromEntries(Object.keys(props.parts).map((name) => [name, `${MARK}${name}${MARK}`]));
  const pieces = t(props.id, marks).split(MARK);
  return <>{pieces.map((piece, index) => (index % 2 === 1 ? <Fragment key={index}>{props.parts[piece]}</Fragment> : piece))}</>;
}
