import type { DomainIssue } from '@hub/common';
import { Decoded, DecodeOutcome, DecoderInput, DecoderRefusal, DownlinkInput, EncodedDownlink, PayloadDecoder, refuse } from '../decoder';
import { DecoderDefinitionError } from '../decoder-definition.error';
import { describeValue } from '../describe-value';
import { applyMapping } from '../mapping/apply-mapping';
import { compileMappingDefinition, CompiledMappingParts, isPlainObject, MappingDefinition } from '../mapping/mapping-definition';
import { PAYLOAD_ENCODINGS, PayloadEncoding, payloadBytes } from '../payload-encoding';
import { MIN_SANDBOX_MEMORY_BYTES, QuickJsSandbox, SandboxLimits, ScriptCompileError } from './quickjs-sandbox';

/**
 * A vendor's codec as an admin pastes it. `payload` says how the bytes arrive (raw LoRaWAN bytes, or an NB-IoT
 * platform's hex/base64 text); `mapping` picks metrics out of the codec's `data` with the mapping decoder's rules.
 * Without a mapping every field of `data` must be a number and is taken as a metric of the same name.
 */
export interface ScriptDefinition {
  readonly source: string;
  readonly payload?: PayloadEncoding;
  readonly mapping?: MappingDefinition;
}

const MAX_SOURCE_CHARS = 256 * 1024;
/** LoRaWAN's largest application payload (242 bytes at DR5–7 in EU868; less at slower rates, which the network server checks). */
const MAX_DOWNLINK_BYTES = 242;

export class ScriptDecoder implements PayloadDecoder {
  private sandbox: Promise<QuickJsSandbox> | undefined;

  private constructor(
    private readonly source: string,
    private readonly encoding: PayloadEncoding,
    private readonly mapping: CompiledMappingParts | undefined,
    private readonly limits: SandboxLimits,
    sandbox: QuickJsSandbox,
  ) {
    this.sandbox = Promise.resolve(sandbox);
  }

  /** Checks the definition and loads the codec once; throws DecoderDefinitionError naming what is wrong. */
  static async create(definition: ScriptDefinition, limits: SandboxLimits): Promise<ScriptDecoder> {
    const issues: DomainIssue[] = [];
    const def: unknown = definition;
    if (!isPlainObject(def)) throw new DecoderDefinitionError([{ field: 'definition', problem: 'must be an object' }]);
    for (const key of Object.keys(def)) {
      if (!['kind', 'source', 'payload', 'mapping'].includes(key)) issues.push({ field: key, problem: 'unknown field; allowed: kind, source, payload, mapping' });
    }
    if (typeof def.source !== 'string' || def.source.trim() === '') issues.push({ field: 'source', problem: 'must be the codec\'s JavaScript source' });
    else if (def.source.length > MAX_SOURCE_CHARS) issues.push({ field: 'source', problem: `is ${def.source.length} characters; at most ${MAX_SOURCE_CHARS}` });
    const encoding = (def.payload ?? 'bytes') as PayloadEncoding;
    if (!PAYLOAD_ENCODINGS.includes(encoding)) issues.push({ field: 'payload', problem: `must be one of ${PAYLOAD_ENCODINGS.join(', ')}` });
    if (limits.memoryLimitBytes < MIN_SANDBOX_MEMORY_BYTES) issues.push({ field: 'limits.memoryLimitBytes', problem: `must be at least ${MIN_SANDBOX_MEMORY_BYTES}` });
    let mapping: CompiledMappingParts | undefined;
    if (def.mapping !== undefined) {
      try {
        mapping = compileMappingDefinition(def.mapping, limits, 'mapping.');
      } catch (error) {
        if (!(error instanceof DecoderDefinitionError)) throw error;
        issues.push(...error.issues);
      }
    }
    if (issues.length > 0) throw new DecoderDefinitionError(issues);
    try {
      const sandbox = await QuickJsSandbox.create(definition.source, limits);
      return new ScriptDecoder(definition.source, encoding, mapping, limits, sandbox);
    } catch (error) {
      if (error instanceof ScriptCompileError) throw new DecoderDefinitionError([{ field: 'source', problem: error.message }]);
      throw error;
    }
  }

  async decode(input: DecoderInput): Promise<DecodeOutcome> {
    const bytes = payloadBytes(input.bytes, input.text, this.encoding);
    if ('problem' in bytes) return refuse('PAYLOAD_ENCODING_INVALID', `${this.encoding} payload: ${bytes.problem}`);
    const sandbox = await this.usableSandbox();
    if ('reason' in sandbox) return sandbox;
    const outcome = sandbox.call(
      JSON.stringify({ bytes: Array.from(bytes.bytes), fPort: input.fPort, recvTime: input.receivedAt.toISOString(), variables: input.variables ?? {} }),
    );
    if (!outcome.ok) return refuse(outcome.reason, outcome.detail);
    let output: unknown;
    try {
      output = JSON.parse(outcome.json);
    } catch {
      return refuse('DECODER_OUTPUT_INVALID', 'the output is not JSON');
    }
    return this.readings(output);
  }

  /**
   * encodeDownlink(input) in the same sandbox and under the same limits: `{ bytes, fPort }` out, checked as a LoRaWAN
   * frame (bytes 0–255, at most 242 of them — the largest application payload of any region's fastest data rate —
   * and an application port 1–223).
   */
  async encode(input: DownlinkInput): Promise<EncodedDownlink | DecoderRefusal> {
    const sandbox = await this.usableSandbox();
    if ('reason' in sandbox) return sandbox;
    const outcome = sandbox.call(JSON.stringify({ data: input.data, variables: input.variables ?? {} }), 'down');
    if (!outcome.ok) return refuse(outcome.reason, outcome.detail);
    const output: unknown = JSON.parse(outcome.json);
    if (!isPlainObject(output)) return refuse('DECODER_OUTPUT_INVALID', `encodeDownlink returned ${describeValue(output)}, not { bytes, fPort, warnings?, errors? }`);
    const errors = stringList(output.errors);
    if (errors === undefined) return refuse('DECODER_OUTPUT_INVALID', `errors is ${describeValue(output.errors)}, not a list of strings`);
    if (errors.length > 0) return refuse('DECODER_ERROR', `the codec reported errors: ${errors.join('; ').slice(0, 500)}`);
    const { bytes, fPort } = output;
    if (!Array.isArray(bytes) || bytes.length > MAX_DOWNLINK_BYTES || !bytes.every((byte) => Number.isInteger(byte) && byte >= 0 && byte <= 255)) {
      return refuse('DECODER_OUTPUT_INVALID', `bytes is ${describeValue(bytes)}, not a list of at most ${MAX_DOWNLINK_BYTES} numbers 0–255`);
    }
    if (typeof fPort !== 'number' || !Number.isInteger(fPort) || fPort < 1 || fPort > 223) {
      return refuse('DECODER_OUTPUT_INVALID', `fPort is ${describeValue(fPort)}, not an application port 1–223`);
    }
    return { bytes: Uint8Array.from(bytes as number[]), fPort, warnings: stringList(output.warnings) ?? [] };
  }

  dispose(): void {
    const sandbox = this.sandbox;
    this.sandbox = undefined;
    void sandbox?.then((spent) => spent.dispose(), () => undefined);
  }

  /** The sandbox, or a fresh one after a timeout or memory failure spent it (~2 ms plus loading the codec). */
  private async usableSandbox(): Promise<QuickJsSandbox | DecoderRefusal> {
    const current = await this.sandbox?.catch(() => undefined);
    if (current?.usable) return current;
    current?.dispose();
    this.sandbox = QuickJsSandbox.create(this.source, this.limits);
    try {
      return await this.sandbox;
    } catch (error) {
      this.sandbox = undefined;
      return refuse('DECODER_ERROR', `the codec could not be loaded again: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private async readings(output: unknown): Promise<Decoded | DecoderRefusal> {
    if (!isPlainObject(output)) return refuse('DECODER_OUTPUT_INVALID', `decodeUplink returned ${describeValue(output)}, not { data, warnings?, errors? }`);
    const errors = stringList(output.errors);
    if (errors === undefined) return refuse('DECODER_OUTPUT_INVALID', `errors is ${describeValue(output.errors)}, not a list of strings`);
    if (errors.length > 0) return refuse('DECODER_ERROR', `the codec reported errors: ${errors.join('; ').slice(0, 500)}`);
    const warnings = stringList(output.warnings) ?? [];
    const data = output.data;
    if (this.mapping !== undefined) return applyMapping(this.mapping, data, warnings);
    if (!isPlainObject(data)) return refuse('DECODER_OUTPUT_INVALID', `data is ${describeValue(data)}, not an object of metric → number`);
    const metrics: Record<string, number> = {};
    for (const [name, value] of Object.entries(data)) {
      if (typeof value !== 'number') {
        return refuse('DECODER_OUTPUT_INVALID', `data.${name} is ${describeValue(value)}, not a number (without a mapping every field of data is a metric)`);
      }
      metrics[name] = value;
    }
    if (Object.keys(metrics).length === 0) return refuse('DECODER_OUTPUT_INVALID', 'data is empty: no metric');
    return { readings: [{ metrics }], warnings };
  }
}

function stringList(value: unknown): string[] | undefined {
  if (value === undefined) return [];
  return Array.isArray(value) && value.every((item) => typeof item === 'string') ? (value as string[]) : undefined;
}
