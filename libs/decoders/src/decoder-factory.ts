import { PayloadDecoder } from './decoder';
import { DecoderDefinitionError } from './decoder-definition.error';
import { MappingDecoder } from './mapping/mapping.decoder';
import { isPlainObject, MappingDefinition } from './mapping/mapping-definition';
import { SandboxLimits } from './script/quickjs-sandbox';
import { ScriptDecoder, ScriptDefinition } from './script/script.decoder';

/** What a device profile stores: one decoder, tagged with its kind. */
export type DecoderDefinition = ({ readonly kind: 'mapping' } & MappingDefinition) | ({ readonly kind: 'script' } & ScriptDefinition);

export type DecoderLimits = SandboxLimits;

/**
 * 50 ms: a meter codec decodes in tens of µs (measured in the README), so the bound is three orders above real use
 * and still short enough that one hostile script stalls the broker's event loop no longer than a GC pause would.
 */
export const DEFAULT_DECODER_LIMITS: DecoderLimits = {
  timeLimitMs: 50,
  memoryLimitBytes: 16 * 1024 * 1024,
  maxOutputChars: 64 * 1024,
};

/** Builds (and so validates) a decoder; throws DecoderDefinitionError with every problem, each naming its field. */
export async function createDecoder(definition: DecoderDefinition, limits: DecoderLimits = DEFAULT_DECODER_LIMITS): Promise<PayloadDecoder> {
  const kind: unknown = isPlainObject(definition) ? definition.kind : undefined;
  if (kind === 'mapping') return new MappingDecoder(definition as MappingDefinition, limits);
  if (kind === 'script') return ScriptDecoder.create(definition as ScriptDefinition, limits);
  throw new DecoderDefinitionError([{ field: 'kind', problem: `must be mapping or script, got ${JSON.stringify(kind)}` }]);
}
