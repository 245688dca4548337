import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { boundaryConfigs } from './boundaries.cjs';
import { LIB_DEPS, LIB_LAYERS } from './lib-layers.cjs';

const ROOT = path.resolve(__dirname, '..');

/** The boundary rules alone, without type information: parsing a snippet takes milliseconds. */
const eslint = new ESLint({
  cwd: ROOT,
  overrideConfigFile: true,
  overrideConfig: [{ files: ['**/*.{ts,tsx}'], languageOptions: { parser: tseslint.parser } }, ...boundaryConfigs()],
});

async function lint(file: string, code: string): Promise<Array<{ ruleId: string | null; message: string }>> {
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
  return result!.messages.map(({ ruleId, message }) => ({ ruleId, message }));
}

describe('import boundaries', () => {
  it('rejects a lib importing a lib of a higher row', async () => {
    expect(await lint('libs/contract/src/reading.ts', "import { x } from '@hub/pipeline';\n")).toEqual([
      {
        ruleId: 'no-restricted-imports',
        message:
          "'@hub/pipeline' import is restricted from being used by a pattern. libs/contract may import only @hub/common " +
          '(see the layer table in docs/architecture.md); inside a lib, import relatively.',
      },
    ]);
  });

  it('rejects a lib importing itself through its entry point, and a row-mate', async () => {
    const messages = await lint('libs/alerts/src/a.ts', "import { a } from '@hub/alerts';\nimport { b } from '@hub/pipeline';\n");
    expect(messages.map((m) => m.ruleId)).toEqual(['no-restricted-imports', 'no-restricted-imports']);
  });

  it('lets a lib import what its row allows, and its spec files @hub/test-harness and @hub/<lib>/testing', async () => {
    expect(await lint('libs/pipeline/src/p.ts', "import { a } from '@hub/influx';\nimport { b } from './local';\n")).toEqual([]);
    expect(
      await lint('libs/alerts/src/a.spec.ts', "import { h } from '@hub/test-harness';\nimport { f } from '@hub/common/testing';\n"),
    ).toEqual([]);
  });

  it('keeps @hub/test-harness out of a lib outside its spec files', async () => {
    expect(await lint('libs/broker/src/b.ts', "import { h } from '@hub/test-harness';\n")).toEqual([
      {
        ruleId: 'no-restricted-imports',
        message: "'@hub/test-harness' import is restricted from being used by a pattern. Only spec files of a lib may import @hub/test-harness.",
      },
    ]);
  });

  it('rejects a deep import, and /testing outside spec and test files', async () => {
    expect(await lint('apps/hub/src/x.ts', "import { a } from '@hub/alerts/src/rules/alert-rules.service';\nimport { f } from '@hub/alerts/testing';\n")).toEqual([
      {
        ruleId: 'no-restricted-imports',
        message:
          "'@hub/alerts/src/rules/alert-rules.service' import is restricted from being used by a pattern. Import a lib through " +
          '@hub/<lib> only (@hub/<lib>/testing is for spec/test files); if something is missing, export it from its index.ts.',
      },
      {
        ruleId: 'no-restricted-imports',
        message:
          "'@hub/alerts/testing' import is restricted from being used by a pattern. Import a lib through @hub/<lib> only " +
          '(@hub/<lib>/testing is for spec/test files); if something is missing, export it from its index.ts.',
      },
    ]);
    expect(await lint('test/integration/x.e2e-spec.ts', "import { f } from '@hub/alerts/testing';\n")).toEqual([]);
    expect((await lint('apps/hub/src/x.spec.ts', "import { a } from '@hub/alerts/src/index';\n")).map((m) => m.ruleId)).toEqual([
      'no-restricted-imports',
    ]);
  });

  it('rejects a relative import that climbs out of a lib or into one', async () => {
    expect(await lint('libs/pipeline/src/ingest/p.ts', "import { a } from '../../../influx/src/influx-writer';\n")).toEqual([
      {
        ruleId: 'hub/no-climbing-import',
        message: 'Relative import climbs out of libs/pipeline into libs/influx; import another lib through @hub/<lib>.',
      },
    ]);
    expect(await lint('apps/hub/src/main.ts', "import { a } from '../../../libs/common/src';\n")).toEqual([
      { ruleId: 'hub/no-climbing-import', message: 'Relative import reaches into libs/common; import it through its entry point @hub/<lib>.' },
    ]);
    expect(await lint('libs/pipeline/src/ingest/p.ts', "export { a } from '../spool-port';\n")).toEqual([]);
  });

  it('keeps the console to @hub/contract and @hub/api-types, and out of apps/hub', async () => {
    expect(await lint('apps/console/src/api/types.ts', "export type { H } from '../../../hub/src/health/health.service';\n")).toEqual([
      {
        ruleId: 'hub/no-climbing-import',
        message: 'Relative import reaches from apps/console into apps/hub; apps do not import each other (share code through a lib).',
      },
    ]);
    expect(await lint('apps/console/src/api/types.ts', "import type { A } from '@hub/alerts';\n")).toEqual([
      {
        ruleId: 'no-restricted-imports',
        message:
          "'@hub/alerts' import is restricted from being used by a pattern. The console may import only @hub/contract and " +
          '@hub/api-types (see the layer table in docs/architecture.md).',
      },
    ]);
    expect(
      await lint('apps/console/src/api/types.ts', "import type { A } from '@hub/api-types';\nimport { DOMAINS } from '@hub/contract';\n"),
    ).toEqual([]);
  });

  it('lets tests reach the apps they start', async () => {
    expect(await lint('test/harness/hub-process.ts', "import { F } from '../../apps/hub/src/service-node-flags';\n")).toEqual([]);
  });
});

describe('docs/architecture.md', () => {
  it('shows the same layer table as eslint/lib-layers.cjs', () => {
    const doc = readFileSync(path.join(ROOT, 'docs/architecture.md'), 'utf8');
    // Rows of the table: | <layer> | `lib` | `dep`, `dep` |
    const rows = [...doc.matchAll(/^\|\s*(\d+)\s*\|\s*`([a-z-]+)`\s*\|([^|]*)\|\s*$/gm)].map(([, layer, lib, deps]) => ({
      layer: Number(layer),
      lib: lib!,
      deps: [...deps!.matchAll(/`([a-z-]+)`/g)].map((m) => m[1]!),
    }));
    const expected = LIB_LAYERS.flatMap((row, index) => Object.entries(row).map(([lib, deps]) => ({ layer: index + 1, lib, deps: [...deps] })));
    expect(rows).toEqual(expected);
    expect(Object.keys(LIB_DEPS)).toHaveLength(rows.length);
  });
});
