import { type ComponentChild, Fragment, type JSX } from 'preact';
import type { MessageId } from '../../i18n/i18n';
import { messagePieces } from './message-parts';

/**
 * A translated sentence with elements inside it (a <code>, a <strong>, a <Time>): each argument is an element, put
 * where the language's word order puts it, so no sentence is cut into pieces that only fit English.
 */
export function RichMessage(props: { id: MessageId; parts: Readonly<Record<string, ComponentChild>> }): JSX.Element {
  return <>{messagePieces(props.id, Object.keys(props.parts)).map((piece, index) => ('part' in piece ? <Fragment key={index}>{props.parts[piece.part]}</Fragment> : piece.text))}</>;
}
