import { MAX_JSON_DEPTH } from '@hub/contract';
import { printable, scanJson } from '@hub/common';
import { DecodeOutcome, DecoderInput, PayloadDecoder, refuse } from '../decoder';
import { applyMapping } from './apply-mapping';
import { compileMappingDefinition, CompiledMappingParts, MappingDefinition, MappingLimits } from './mapping-definition';

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** The declarative decoder: a vendor's JSON (or the network server's decoded object) through a JSONata mapping. */
export class MappingDecoder implements PayloadDecoder {
  private readonly mapping: CompiledMappingParts;

  /** Throws DecoderDefinitionError naming every bad field; call it when the profile is saved, and keep the decoder. */
  constructor(definition: MappingDefinition, limits: MappingLimits) {
    this.mapping = compileMappingDefinition(definition, limits);
  }

  async decode(input: DecoderInput): Promise<DecodeOutcome> {
    const document = input.json !== undefined ? { json: input.json } : parseJson(input.bytes);
    if ('reason' in document) return document;
    return applyMapping(this.mapping, document.json);
  }

  dispose(): void {}
}

/** JSON from bytes with the contract's own bounds: depth checked before parsing, UTF-8 strict. */
export function parseJson(bytes: Uint8Array): { readonly json: unknown } | ReturnType<typeof refuse> {
  const scan = scanJson(bytes, MAX_JSON_DEPTH);
  if (!scan.ok) return refuse('MALFORMED_JSON', `nests deeper than ${MAX_JSON_DEPTH} levels (byte ${scan.offset})`);
  try {
    return { json: JSON.parse(UTF8.decode(bytes)) };
  } catch (error) {
    // V8's message quotes the payload, NUL bytes and all.
    return refuse('MALFORMED_JSON', printable(error instanceof Error ? error.message.slice(0, 200) : 'not UTF-8 JSON'));
  }
}
