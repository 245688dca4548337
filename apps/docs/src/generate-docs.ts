import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { renderConfigDoc } from './render-config-doc';
import { renderContractDoc } from './render-contract-doc';

/**
 * Writes the generated docs from the code: `npm run docs` (docs/contract.md from libs/contract, docs/configuration.md
 * from libs/config and scripts/start.sh). With `--check` it writes nothing and exits 1 when a file is missing or
 * differs (for CI).
 */

/** The repository this file is in, found by walking up to package.json (works from dist/ too). */
export function repoRoot(from: string = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

/** docs/<name> of this repository. */
export function docPath(name: string, from: string = __dirname): string {
  return join(repoRoot(from), 'docs', name);
}

/** Every generated doc: its file name under docs/ and what it should hold. */
export function generatedDocs(root: string = repoRoot()): { name: string; render: () => string }[] {
  return [
    { name: 'contract.md', render: renderContractDoc },
    { name: 'configuration.md', render: () => renderConfigDoc(readFileSync(join(root, 'scripts', 'start.sh'), 'utf8')) },
  ];
}

function main(args: readonly string[]): number {
  const check = args.includes('--check');
  let status = 0;
  for (const doc of generatedDocs()) {
    const path = docPath(doc.name);
    const fromCwd = relative(process.cwd(), path);
    const shown = fromCwd.startsWith('..') ? path : fromCwd;
    const expected = doc.render();
    if (check) {
      const actual = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
      if (actual === expected) continue;
      process.stderr.write(`${shown} is ${actual === undefined ? 'missing' : 'out of date with the code'}; run \`npm run build && npm run docs\` and commit it.\n`);
      status = 1;
      continue;
    }
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, expected);
    process.stdout.write(`Wrote ${shown}\n`);
  }
  return status;
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}
