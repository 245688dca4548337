/** Types of lib-layers.cjs for the spec. */
export declare const LIB_LAYERS: ReadonlyArray<Readonly<Record<string, readonly string[]>>>;
export declare const LIB_DEPS: Readonly<Record<string, readonly string[]>>;
export declare const LIBS: readonly string[];
export declare const CONSOLE_LIBS: readonly string[];
