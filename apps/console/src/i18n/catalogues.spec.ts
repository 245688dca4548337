import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { compileMessageOrThrow } from '@lingui/message-utils/compileMessage';
import ts from 'typescript';
import { LANGUAGES } from './languages';

const SRC = join(__dirname, '..');
const catalogue = (language: string): Record<string, string> => JSON.parse(readFileSync(join(__dirname, 'catalogues', `${language}.json`), 'utf8')) as Record<string, string>;
const en = catalogue('en');

/** Every console source file, specs left out. */
function sources(dir = SRC): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

/** The ICU arguments a message uses ({count}, {path}), whatever the language's wording around them. */
function argumentsOf(message: string): string[] {
  const found = new Set<string>();
  const walk = (tokens: unknown): void => {
    if (!Array.isArray(tokens)) return;
    for (const token of tokens) {
      if (Array.isArray(token)) {
        found.add(String(token[0]));
        const choices = token[2] as Record<string, unknown> | undefined;
        if (choices && typeof choices === 'object') for (const choice of Object.values(choices)) walk(choice);
      }
    }
  };
  const compiled = compileMessageOrThrow(message);
  walk(typeof compiled === 'string' ? [] : compiled);
  return [...found].sort();
}

/**
 * The .ts modules that produce visible text (summaries, problems, labels); with every .tsx file of the console they
 * must send every visible string through t(): a bare text in their JSX, or a literal title, aria-label, placeholder,
 * alt or label, fails the test below.
 */
const TRANSLATED = [
  'alerts/alert-order.ts',
  'alerts/rule-form.ts',
  'components/chart-model.ts',
  'contact-points/contact-point-draft.ts',
  'document-title.ts',
  'format/condition.ts',
  'format/reject-reason.ts',
  'format/values.ts',
  'network-servers/network-server-draft.ts',
  'notification-policies/alert-words.ts',
  'notification-policies/policy-draft.ts',
  'notification-policies/policy-text.ts',
  'profiles/profile-draft.ts',
  'views/dead-letter-groups.ts',
];
const LABEL_ATTRIBUTES = new Set(['title', 'aria-label', 'placeholder', 'alt', 'label']);

/** Visible words written in the JSX itself rather than taken from a catalogue. */
function bareStrings(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    // Key names in <kbd> (Enter, Esc, g) are what is printed on the keys, in every language.
    const inKbd = node.parent !== undefined && ts.isJsxElement(node.parent) && node.parent.openingElement.tagName.getText() === 'kbd';
    if (ts.isJsxText(node) && /\p{L}/u.test(node.text) && !inKbd) found.push(node.text.trim());
    if (ts.isJsxAttribute(node) && LABEL_ATTRIBUTES.has(node.name.getText()) && node.initializer && ts.isStringLiteral(node.initializer) && /\p{L}/u.test(node.initializer.text)) {
      found.push(`${node.name.getText()}="${node.initializer.text}"`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('console catalogues', () => {
  it('give every language the same keys, sorted, each message valid ICU with the same arguments as English', () => {
    for (const language of LANGUAGES) {
      const messages = catalogue(language);
      expect([language, Object.keys(messages)]).toEqual([language, Object.keys(en).sort()]);
      for (const [key, message] of Object.entries(messages)) {
        expect([language, key, message.trim() === '' ? 'empty' : 'ok']).toEqual([language, key, 'ok']);
        expect([language, key, argumentsOf(message)]).toEqual([language, key, argumentsOf(en[key])]);
      }
    }
  });

  it('have no key the console never asks for', () => {
    const code = sources()
      .map((file) => readFileSync(file, 'utf8'))
      .join('\n');
    // A key written whole ('shell.logOut', or as a JSX attribute: id="admin.apiKeys.copyNow"), or reached by a prefix (`shell.role.${role}`).
    const prefixes = [...code.matchAll(/`([a-z][\w.]*\.)\$\{/g)].map((match) => match[1]);
    const unused = Object.keys(en).filter((key) => !code.includes(`'${key}'`) && !code.includes(`"${key}"`) && !prefixes.some((prefix) => key.startsWith(prefix)));
    expect(unused).toEqual([]);
  });

  it('leave no visible English in any page or component, nor in the modules that write texts', () => {
    const files = sources().map((file) => relative(SRC, file));
    for (const file of TRANSLATED) expect([file, files.includes(file)]).toEqual([file, true]);
    const checked = [...new Set([...files.filter((file) => file.endsWith('.tsx')), ...TRANSLATED])];
    expect(checked.length).toBeGreaterThan(60);
    for (const file of checked) expect([file, bareStrings(join(SRC, file))]).toEqual([file, []]);
  });
});
