/**
 * Import boundaries, generated from eslint/lib-layers.cjs. Not type-aware, so the spec can lint snippets fast.
 *
 * `@hub/*` specifiers are checked with the built-in `no-restricted-imports` (regex patterns built from the table):
 * it matches the specifier as written, so it needs no resolver that understands tsconfig `paths`, and it cannot
 * silently pass when resolution fails, which is the usual failure of eslint-plugin-import/boundaries with aliases.
 * Relative imports that climb out of their lib or app are a fact about the file's location, which a pattern cannot
 * express for every depth, so a ten-line local rule (hub/no-climbing-import) resolves them against the file's path.
 */
const path = require('node:path');
const { CONSOLE_LIBS, LIB_DEPS, LIBS } = require('./lib-layers.cjs');

const ROOT = path.resolve(__dirname, '..');
const TABLE = 'see the layer table in docs/architecture.md';

/** Spec files and the fixtures/helpers that only specs and tests load. */
const TEST_FILES = ['**/*.spec.ts', '**/*.e2e-spec.ts', 'libs/*/src/testing/**', 'test/**'];

const anyOf = (names) => `(?:${names.join('|')})`; // lib names are [a-z-]: nothing to escape

/** `@hub/<lib>/<anything>`: only `@hub/<lib>/testing` is an entry, and only for tests. */
const deepImport = (allowTesting) => ({
  regex: allowTesting ? '^@hub/[^/]+/(?!testing$).+' : '^@hub/[^/]+/.+',
  message: allowTesting
    ? 'Import a lib through @hub/<lib> (or @hub/<lib>/testing); if something is missing, export it from its index.ts.'
    : 'Import a lib through @hub/<lib> only (@hub/<lib>/testing is for spec/test files); if something is missing, export it from its index.ts.',
});

function libPatterns(lib, isTest) {
  const allowed = LIB_DEPS[lib];
  const forbidden = LIBS.filter((other) => !allowed.includes(other));
  const patterns = [
    {
      regex: `^@hub/${anyOf(forbidden)}(?:/.*)?$`,
      message: allowed.length
        ? `libs/${lib} may import only ${allowed.map((d) => '@hub/' + d).join(', ')} (${TABLE}); inside a lib, import relatively.`
        : `libs/${lib} may import no other lib (${TABLE}); inside a lib, import relatively.`,
    },
    deepImport(isTest),
    { regex: '^@hub/devices-sim$', message: 'Libs never import the device simulator.' },
  ];
  if (!isTest) {
    patterns.push({ regex: '^@hub/test-harness$', message: 'Only spec files of a lib may import @hub/test-harness.' });
  }
  return patterns;
}

const consoleForbidden = ['devices-sim', 'test-harness', ...LIBS.filter((l) => !CONSOLE_LIBS.includes(l))];

const noClimbingImport = {
  meta: {
    type: 'problem',
    schema: [],
    messages: {
      leavesLib: 'Relative import climbs out of {{from}} into {{to}}; import another lib through @hub/<lib>.',
      intoLib: 'Relative import reaches into {{to}}; import it through its entry point @hub/<lib>.',
      intoApp: 'Relative import reaches from {{from}} into {{to}}; apps do not import each other (share code through a lib).',
    },
  },
  create(context) {
    /** The unit a path belongs to: libs/<x>, apps/<x>, devices-sim or test; undefined outside them. */
    const unitOf = (file) => {
      const parts = path.relative(ROOT, file).split(path.sep);
      if (parts[0] === 'libs' || parts[0] === 'apps') return parts.length > 2 ? `${parts[0]}/${parts[1]}` : undefined;
      return parts[0] === 'devices-sim' || parts[0] === 'test' ? parts[0] : undefined;
    };
    const from = unitOf(context.filename);
    const check = (source) => {
      if (!from || !source || typeof source.value !== 'string' || !source.value.startsWith('.')) return;
      const to = unitOf(path.resolve(path.dirname(context.filename), source.value));
      if (!to || to === from) return;
      // Tests start the apps they test (e.g. test/harness reads apps/hub's node flags).
      if (from === 'test' && to.startsWith('apps/')) return;
      const messageId = from.startsWith('libs/') ? 'leavesLib' : to.startsWith('libs/') ? 'intoLib' : 'intoApp';
      context.report({ node: source, messageId, data: { from, to } });
    };
    return {
      ImportDeclaration: (node) => check(node.source),
      ExportNamedDeclaration: (node) => check(node.source),
      ExportAllDeclaration: (node) => check(node.source),
      ImportExpression: (node) => check(node.source),
    };
  },
};

const hubPlugin = { meta: { name: 'hub' }, rules: { 'no-climbing-import': noClimbingImport } };

/** Flat-config blocks; later blocks override earlier ones for the files they match. */
function boundaryConfigs() {
  const restrict = (patterns) => ['error', { patterns }];
  return [
    {
      files: ['**/*.{ts,tsx,mts}'],
      plugins: { hub: hubPlugin },
      rules: {
        'hub/no-climbing-import': 'error',
        'no-restricted-imports': restrict([deepImport(false)]),
      },
    },
    { files: TEST_FILES, rules: { 'no-restricted-imports': restrict([deepImport(true)]) } },
    ...LIBS.flatMap((lib) => [
      { files: [`libs/${lib}/**/*.{ts,tsx}`], rules: { 'no-restricted-imports': restrict(libPatterns(lib, false)) } },
      {
        files: [`libs/${lib}/**/*.spec.ts`, `libs/${lib}/src/testing/**`],
        rules: { 'no-restricted-imports': restrict(libPatterns(lib, true)) },
      },
    ]),
    {
      // The console is a browser bundle: only pure libs, and never the hub's own files (hub/no-climbing-import).
      files: ['apps/console/**/*.{ts,tsx,mts}'],
      ignores: ['**/*.spec.ts'],
      rules: {
        'no-restricted-imports': restrict([
          {
            regex: `^@hub/${anyOf(consoleForbidden)}(?:/.*)?$`,
            message: `The console may import only ${CONSOLE_LIBS.map((l) => '@hub/' + l).join(' and ')} (${TABLE}).`,
          },
          deepImport(false),
        ]),
      },
    },
  ];
}

module.exports = { TEST_FILES, hubPlugin, boundaryConfigs };
