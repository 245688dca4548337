import { readFileSync } from 'node:fs';
import releaseSync from '@jitl/quickjs-wasmfile-release-sync';
import releaseSyncModuleLoader from '@jitl/quickjs-wasmfile-release-sync/emscripten-module';
import { newQuickJSWASMModuleFromVariant, newVariant, QuickJSContext, QuickJSHandle, QuickJSRuntime } from 'quickjs-emscripten-core';
import { printable } from '@hub/common';
import { DecoderRefusalReason } from '../decoder';
import { ENTRY_POINT_CHECK, sandboxPrelude } from './sandbox-prelude';

/**
 * A pasted vendor codec runs here: QuickJS compiled to WebAssembly (quickjs-emscripten), not node:vm, whose contexts
 * share the host's heap and objects and are no security boundary. Inside there is only the JavaScript language: no
 * require, process, fetch, timers, file system or network, and no host object is ever handed in (input goes in as a
 * JSON string, output comes out as one).
 *
 * Each sandbox is its own WebAssembly instance with its own linear memory of fixed maximum size. That is the memory
 * limit that holds: QuickJS's setMemoryLimit is kept too, but in emscripten builds it only bounds single allocations
 * (malloc_usable_size is unavailable, so the running total never grows; quickjs-emscripten issues #255 and #271), and
 * measured here a loop of 800 KB arrays took the process to 1.6 GB under a 16 MB "limit". With a capped memory the
 * same loop ends in QuickJS's own "out of memory" and the instance stays usable. Time is bounded by QuickJS's
 * interrupt handler, which it polls between bytecode instructions and inside regular-expression matching.
 */
export interface SandboxLimits {
  /** Wall-clock limit of one decode, compilation of the codec included when it is built. */
  readonly timeLimitMs: number;
  /** Linear memory of the instance; QuickJS and the codec use ~1 MiB of it before any message. At least 16 MiB. */
  readonly memoryLimitBytes: number;
  /** Largest output JSON accepted, in characters. */
  readonly maxOutputChars: number;
}

export type SandboxOutcome =
  | { readonly ok: true; readonly json: string }
  | { readonly ok: false; readonly reason: DecoderRefusalReason; readonly detail: string };

/** The codec source does not compile, runs away at load, or defines no entry point. */
export class ScriptCompileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScriptCompileError';
  }
}

// @types/node 20 leaves WebAssembly to lib.dom, which a server build does not load; the members used here.
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(deltaPages: number): number;
}
declare const WebAssembly: {
  readonly Memory: new (descriptor: { initial: number; maximum: number }) => WasmMemory;
  compile(bytes: Uint8Array): Promise<object>;
};

const PAGE = 65536;
/** The emscripten build's INITIAL_MEMORY: the memory an instance must start with. */
export const MIN_SANDBOX_MEMORY_BYTES = 256 * PAGE;
// QuickJS's own stack guard, below V8's: deep recursion becomes the codec's InternalError "stack overflow" instead of a
// host RangeError inside the instance (which is caught too, but spends the instance).
const MAX_STACK_BYTES = 256 * 1024;

/**
 * The published variant loads its emscripten glue with a dynamic import(), which jest's CommonJS runtime refuses;
 * the package ships the same glue as CommonJS under the same export, so this variant requires that instead.
 */
const RELEASE_SYNC_COMMONJS: typeof releaseSync = {
  ...releaseSync,
  importModuleLoader: () => Promise.resolve(releaseSyncModuleLoader),
};

let compiledWasm: Promise<object> | undefined;

/** The WebAssembly code is compiled once per process and instantiated per sandbox (~2 ms, measured ~18 ms cold). */
function quickJsWasm(): Promise<object> {
  compiledWasm ??= WebAssembly.compile(readFileSync(require.resolve('@jitl/quickjs-wasmfile-release-sync/wasm')));
  return compiledWasm;
}

export class QuickJsSandbox {
  private deadline = 0;
  private interrupted = false;
  private memoryRefused = false;
  private alive = true;
  private disposed = false;

  private constructor(
    private readonly runtime: QuickJSRuntime,
    private readonly context: QuickJSContext,
    private readonly entry: QuickJSHandle,
    private readonly limits: SandboxLimits,
  ) {}

  /** Loads the codec into a fresh instance; throws ScriptCompileError with the codec's own message. */
  static async create(source: string, limits: SandboxLimits): Promise<QuickJsSandbox> {
    const memory = new WebAssembly.Memory({ initial: MIN_SANDBOX_MEMORY_BYTES / PAGE, maximum: Math.ceil(limits.memoryLimitBytes / PAGE) });
    const module = await newQuickJSWASMModuleFromVariant(newVariant(RELEASE_SYNC_COMMONJS, { wasmMemory: memory, wasmModule: quickJsWasm }));
    const runtime = module.newRuntime();
    runtime.setMemoryLimit(limits.memoryLimitBytes);
    runtime.setMaxStackSize(MAX_STACK_BYTES);
    const context = runtime.newContext();
    const entry = context.unwrapResult(context.evalCode(sandboxPrelude(limits.maxOutputChars), 'prelude.js', { type: 'global' }));
    const sandbox = new QuickJsSandbox(runtime, context, entry, limits);
    // The allocator asks the memory to grow when its heap is full; a refusal is how a runaway allocation shows.
    const grow = memory.grow.bind(memory);
    Object.defineProperty(memory, 'grow', {
      value: (delta: number) => {
        try {
          return grow(delta);
        } catch (error) {
          sandbox.memoryRefused = true;
          throw error;
        }
      },
    });
    runtime.setInterruptHandler(() => sandbox.shouldInterrupt());
    sandbox.load(source);
    return sandbox;
  }

  private load(source: string): void {
    this.startClock();
    const loaded = this.context.evalCode(source, 'codec.js', { type: 'global' });
    if (loaded.error) {
      const problem = this.failure(loaded.error, 'the script');
      loaded.error.dispose();
      this.dispose();
      throw new ScriptCompileError(problem.detail);
    }
    loaded.value.dispose();
    const check = this.context.evalCode(ENTRY_POINT_CHECK, 'check.js', { type: 'global' });
    const defined = check.error ? false : this.context.dump(check.value) === true;
    (check.error ?? check.value).dispose();
    if (!defined) {
      this.dispose();
      throw new ScriptCompileError('the script defines no decodeUplink(input) function (nor ChirpStack v3 Decode or TTN v2 Decoder)');
    }
  }

  /** Runs the codec on one input (JSON text); never throws. After a timeout or memory failure the sandbox is spent. */
  call(inputJson: string, direction: 'up' | 'down' = 'up'): SandboxOutcome {
    if (!this.alive) return { ok: false, reason: 'DECODER_ERROR', detail: 'the sandbox is spent (disposed, or after a timeout or memory failure)' };
    const who = direction === 'up' ? 'decodeUplink' : 'encodeDownlink';
    this.startClock();
    try {
      const argument = this.context.newString(inputJson);
      const way = this.context.newString(direction);
      const result = this.context.callFunction(this.entry, this.context.undefined, argument, way);
      argument.dispose();
      way.dispose();
      if (result.error) {
        const failure = this.failure(result.error, who);
        result.error.dispose();
        return failure;
      }
      const text = this.context.getString(result.value);
      result.value.dispose();
      return this.outcome(text, who);
    } catch (error) {
      // Only the host side of the FFI throws here (a WebAssembly trap); the instance cannot be trusted after it.
      this.alive = false;
      return { ok: false, reason: 'DECODER_ERROR', detail: `the sandbox failed: ${printable(String(error)).slice(0, 300)}` };
    }
  }

  /** Whether the sandbox can take another message; a spent one is replaced with a fresh instance. */
  get usable(): boolean {
    return this.alive;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.alive = false;
    try {
      this.entry.dispose();
      this.context.dispose();
      this.runtime.dispose();
    } catch {
      // The instance is dropped whole either way: after a trap its own free() may fail, and its memory goes with it.
    }
  }

  private startClock(): void {
    this.deadline = Date.now() + this.limits.timeLimitMs;
    this.interrupted = false;
    this.memoryRefused = false;
  }

  private shouldInterrupt(): boolean {
    if (Date.now() <= this.deadline) return false;
    this.interrupted = true;
    return true;
  }

  private outcome(text: string, who: string): SandboxOutcome {
    const body = text.slice(1);
    if (text.startsWith('O')) return { ok: true, json: body };
    if (text.startsWith('F')) {
      // The prelude caught QuickJS's out-of-memory error like any other; the refused growth is what tells them apart.
      if (this.memoryRefused || body === 'InternalError: out of memory') return this.outOfMemory(who);
      return { ok: false, reason: 'DECODER_ERROR', detail: printable(body) };
    }
    return { ok: false, reason: 'DECODER_OUTPUT_INVALID', detail: printable(body) };
  }

  /**
   * An exception that escaped the prelude's own catch: QuickJS's uncatchable interrupt, an out-of-memory that left no
   * room to describe itself, or (at load) the codec's own error. The flags say which, not the exception's text, which
   * a codec could fake.
   */
  private failure(error: QuickJSHandle, who: string): { readonly ok: false; readonly reason: DecoderRefusalReason; readonly detail: string } {
    if (this.interrupted) {
      this.alive = false;
      return { ok: false, reason: 'DECODER_TIMEOUT', detail: `${who} ran longer than ${this.limits.timeLimitMs} ms` };
    }
    // dump() may run codec code (a getter, toJSON), but under the same deadline as the call.
    const dumped = this.safeDump(error);
    if (this.memoryRefused || /out of memory/.test(dumped)) return this.outOfMemory(who);
    return { ok: false, reason: 'DECODER_ERROR', detail: printable(`${who} failed: ${dumped}`).slice(0, 500) };
  }

  private outOfMemory(who: string): { readonly ok: false; readonly reason: DecoderRefusalReason; readonly detail: string } {
    this.alive = false;
    return { ok: false, reason: 'DECODER_MEMORY_LIMIT', detail: `${who} used more than the sandbox's ${this.limits.memoryLimitBytes} bytes of memory` };
  }

  private safeDump(error: QuickJSHandle): string {
    try {
      const value: unknown = this.context.dump(error);
      if (typeof value === 'object' && value !== null && 'message' in value) {
        const { name, message } = value as { name?: unknown; message?: unknown };
        return `${String(name ?? 'Error')}: ${String(message)}`;
      }
      return JSON.stringify(value) ?? String(value);
    } catch {
      return 'an exception that cannot be read';
    }
  }
}
