import { BufferList } from 'bl';

/** The part of aedes' client (lib/client.js) and mqtt-packet's parser this touches. */
interface ParsingClient {
  readonly _parser?: { _list?: unknown };
}

/**
 * mqtt-packet's parser keeps the bytes of a packet it has not finished in a `bl` BufferListStream: a Duplex stream,
 * with readable and writable state, listeners and closures, of which the parser uses only the BufferList methods
 * (append, consume, slice, readUInt8 …). Swapping in a plain BufferList, right after aedes made the client and before
 * it read anything, saves ≈ 0.9 KB of heap per connection (≈ 9 MB at 10,000 devices).
 *
 * This reaches into aedes' and mqtt-packet's internals, so it acts only on exactly the shape it knows (an empty
 * BufferListStream) and otherwise leaves the client alone and returns false; plain-parser-buffer.spec.ts fails if an
 * upgrade changes that shape.
 */
export function usePlainParserBuffer(client: object): boolean {
  const parser = (client as ParsingClient)._parser;
  if (parser === undefined || !BufferList.isBufferList(parser._list)) return false;
  const list = parser._list as { readonly pipe?: unknown; readonly length: number };
  if (typeof list.pipe !== 'function' || list.length !== 0) return false;
  parser._list = new BufferList();
  return true;
}
