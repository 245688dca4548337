export * from './area-path';
export * from './domain-error';
export * from './duration';
export * from './hub-logger';
export * from './json-input.reader';
export * from './json-structure';
export * from './printable-text';
export * from './prng';
