/**
 * The libs' layers, written once. Each row lists the libs a lib may import through `@hub/<lib>`; a lib may only
 * depend on libs in lower rows, so the graph has no cycles. eslint/boundaries.mjs turns this into lint rules and
 * eslint/lib-layers.spec.ts checks that the table in docs/architecture.md says the same. CommonJS, so that jest (which
 * runs the spec without ESM support) and eslint.config.mjs can both load it.
 */
const LIB_LAYERS = [
  { common: [], store: [] },
  { contract: ['common'] },
  {
    'api-types': ['common', 'contract'],
    config: ['common', 'contract'],
    catalogue: ['common', 'contract', 'store'],
    decoders: ['common', 'contract'],
  },
  { access: ['api-types', 'common', 'contract', 'store'], lorawan: ['api-types', 'common', 'contract', 'decoders'], profiles: ['common', 'contract', 'decoders', 'store'], notify: ['api-types', 'common'] },
  { perimeter: ['access', 'common', 'config'], influx: ['common', 'config', 'contract'], spool: ['common'], cluster: ['common', 'config', 'store'] },
  { devices: ['access', 'api-types', 'common', 'contract', 'influx', 'store'] },
  {
    pipeline: ['access', 'api-types', 'cluster', 'common', 'config', 'contract', 'decoders', 'devices', 'influx', 'profiles', 'spool', 'store'],
    alerts: ['access', 'api-types', 'cluster', 'common', 'config', 'contract', 'devices', 'influx', 'store'],
    commands: ['access', 'api-types', 'common', 'contract', 'devices', 'store'],
  },
  {
    integrations: ['access', 'alerts', 'api-types', 'common', 'contract', 'store'],
    broker: ['access', 'cluster', 'common', 'config', 'contract', 'devices', 'perimeter', 'pipeline'],
  },
];

/** lib name → the libs it may import. */
const LIB_DEPS = Object.fromEntries(LIB_LAYERS.flatMap((row) => Object.entries(row)));

const LIBS = Object.keys(LIB_DEPS);

/** The only libs the console (a browser bundle) may import: pure types and constants, no Node code. */
const CONSOLE_LIBS = ['contract', 'api-types'];

module.exports = { LIB_LAYERS, LIB_DEPS, LIBS, CONSOLE_LIBS };
