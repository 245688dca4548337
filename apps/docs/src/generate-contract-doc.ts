import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { renderContractDoc } from './render-contract-doc';

/**
 * Writes docs/contract.md from the code: `npm run docs:contract`. With `--check` it writes nothing and exits 1 when
 * the file is missing or differs (for CI).
 */

/** docs/contract.md of the repository this file is in, found by walking up to package.json (works from dist/ too). */
export function contractDocPath(from: string = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return join(dir, 'docs', 'contract.md');
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

function main(args: readonly string[]): number {
  const path = contractDocPath();
  const fromCwd = relative(process.cwd(), path);
  const shown = fromCwd.startsWith('..') ? path : fromCwd;
  const expected = renderContractDoc();
  if (args.includes('--check')) {
    const actual = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
    if (actual === expected) return 0;
    process.stderr.write(`${shown} is ${actual === undefined ? 'missing' : 'out of date with the code'}; run \`npm run build && npm run docs:contract\` and commit it.\n`);
    return 1;
  }
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, expected);
  process.stdout.write(`Wrote ${shown}\n`);
  return 0;
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}
