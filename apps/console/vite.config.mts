import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { compileMessageOrThrow } from '@lingui/message-utils/compileMessage';
import { defineConfig, type Plugin } from 'vite';

/** The libs' entry points (`@hub/contract`, …), read from the console's tsconfig so that the two never disagree. */
function hubAliases(): Record<string, string> {
  const tsconfig = JSON.parse(readFileSync(resolve(import.meta.dirname, 'tsconfig.json'), 'utf8')) as { compilerOptions: { paths: Record<string, string[]> } };
  return Object.fromEntries(Object.entries(tsconfig.compilerOptions.paths).map(([alias, [target]]) => [alias, resolve(import.meta.dirname, target)]));
}

const CATALOGUE_PREFIX = 'virtual:hub-catalogue/';

/**
 * The console's message catalogues (i18n/catalogues/<language>.json, ICU MessageFormat) compiled when the console is
 * built, so that the browser neither downloads Lingui's message compiler nor runs it on every first use of a message.
 * `import('virtual:hub-catalogue/zh-CN')` is that language's catalogue, compiled; a message that does not parse fails
 * the build (catalogues.spec.ts says which).
 */
function precompiledCatalogues(): Plugin {
  return {
    name: 'hub-precompiled-catalogues',
    enforce: 'pre',
    resolveId: (id) => (id.startsWith(CATALOGUE_PREFIX) ? `\0${id}` : null),
    load(id) {
      if (!id.startsWith(`\0${CATALOGUE_PREFIX}`)) return null;
      const language = id.slice(CATALOGUE_PREFIX.length + 1);
      if (!/^[a-z]{2}(-[A-Z]{2})?$/.test(language)) throw new Error(`No catalogue ${language}`);
      const file = resolve(import.meta.dirname, 'src/i18n/catalogues', `${language}.json`);
      this.addWatchFile(file);
      const messages = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
      const compiled = Object.fromEntries(Object.entries(messages).map(([key, message]) => [key, compileMessageOrThrow(message)]));
      return `export default ${JSON.stringify(compiled)};`;
    },
  };
}

/**
 * The operator console: built into dist/console, which the service serves at `/` on the API's port.
 * `npm run console:dev` serves it with hot reload and proxies the API to a running service (HUB_URL, default :3000).
 */
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  resolve: { alias: hubAliases() },
  plugins: [precompiledCatalogues()],
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: '../../dist/console',
    emptyOutDir: true,
    target: 'es2022',
    // Two chunks and a catalogue: what every operator loads at sign-in (inbox, fleet, rules: ≈ 191 kB, 63 kB gzipped
    // on 6 December 2026, 19 kB less than with Lingui's compiler in it), the language's compiled catalogue (≈ 70 kB)
    // and the admin pages, fetched the first time an admin opens one (≈ 103 kB; components/lazy.tsx). The budget
    // is a warning per chunk: past it, split off another page group with a dynamic import rather than raise it.
    reportCompressedSize: true,
    chunkSizeWarningLimit: 224,
    modulePreload: { polyfill: false },
  },
  server: {
    proxy: { '/api': process.env.HUB_URL ?? 'http://127.0.0.1:3000', '/metrics': process.env.HUB_URL ?? 'http://127.0.0.1:3000' },
  },
});
