/**
 * Cheap structural checks of JSON text from outside (MQTT payloads, HTTP bodies), for what JSON.parse accepts but the
 * hub must not: nesting deep enough to overflow the stack of any recursive walk after parsing (JSON.stringify, a
 * reviver, a logger), and duplicate keys, which JSON.parse resolves silently (the last wins) while other parsers take
 * the first — a forwarded message would then mean one thing to the hub and another to a subscriber.
 */

export type JsonScan =
  | { readonly ok: true; readonly members: number }
  | { readonly ok: false; readonly depth: number; readonly offset: number };

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;

/**
 * One pass over UTF-8 bytes, before decoding or parsing: fails at the first bracket that opens level `maxDepth + 1`,
 * otherwise counts the members (`key: value` pairs) of all objects, i.e. the colons outside strings. Every
 * structural character is ASCII and no byte of a multi-byte UTF-8 sequence is, so bytes are enough. Text that is not
 * JSON gets a meaningless count; JSON.parse refuses it next anyway.
 */
export function scanJson(bytes: Uint8Array, maxDepth: number): JsonScan {
  let depth = 0;
  let members = 0;
  const length = bytes.length;
  for (let offset = 0; offset < length; offset++) {
    const byte = bytes[offset];
    if (byte === QUOTE) {
      // Skip the string: nothing inside counts, and an escaped quote does not end it.
      for (offset++; offset < length; offset++) {
        const inner = bytes[offset];
        if (inner === BACKSLASH) offset++;
        else if (inner === QUOTE) break;
      }
    } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
      if (++depth > maxDepth) return { ok: false, depth, offset };
    } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
      depth--;
    } else if (byte === COLON) {
      members++;
    }
  }
  return { ok: true, members };
}

/**
 * Members of every object in a parsed value. Equal to `scanJson(...).members` of its text unless an object repeated
 * a key (JSON.parse keeps one). Recursive: call it only on a value whose depth scanJson bounded.
 */
export function countJsonMembers(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  let count = 0;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const item: unknown = value[index];
      if (typeof item === 'object' && item !== null) count += countJsonMembers(item);
    }
    return count;
  }
  // for-in rather than Object.keys: half the time on a typical reading (no array per object). It would also count
  // an enumerable property someone put on Object.prototype, which turns such pollution into loud refusals.
  const record = value as Record<string, unknown>;
  for (const key in record) {
    count++;
    const item = record[key];
    if (typeof item === 'object' && item !== null) count += countJsonMembers(item);
  }
  return count;
}

export interface DuplicateKey {
  readonly key: string;
  /** Where the object is: `(top level)`, `metrics`, `[2].metrics` … */
  readonly path: string;
}

// A string (escapes included) or one structural character; numbers and literals are skipped between them.
const TOKEN = /"(?:[^"\\]|\\.)*"|[{}[\],:]/g;

type Frame =
  | { kind: 'object'; path: string; keys: Set<string>; expectKey: boolean; key: string }
  | { kind: 'array'; path: string; index: number };

/**
 * The first repeated key of valid JSON text and where it is, or undefined. Only for the rare refusal path (it
 * tokenises the whole text); the check itself is scanJson + countJsonMembers. Not recursive.
 */
export function findDuplicateKey(text: string): DuplicateKey | undefined {
  const stack: Frame[] = [];
  const childPath = (): string => {
    const parent = stack[stack.length - 1];
    if (parent === undefined) return '';
    if (parent.kind === 'array') return `${parent.path}[${parent.index}]`;
    // A plain key reads as `.metrics`; anything else is quoted, so a path never carries raw control characters.
    if (!/^[A-Za-z0-9_]{1,64}$/.test(parent.key)) return `${parent.path}[${JSON.stringify(parent.key.slice(0, 64))}]`;
    return parent.path === '' ? parent.key : `${parent.path}.${parent.key}`;
  };
  for (const match of text.matchAll(TOKEN)) {
    const token = match[0];
    const top = stack[stack.length - 1];
    if (token === '{') stack.push({ kind: 'object', path: childPath(), keys: new Set(), expectKey: true, key: '' });
    else if (token === '[') stack.push({ kind: 'array', path: childPath(), index: 0 });
    else if (token === '}' || token === ']') stack.pop();
    else if (token === ',') {
      if (top?.kind === 'object') top.expectKey = true;
      else if (top?.kind === 'array') top.index++;
    } else if (token !== ':' && top?.kind === 'object' && top.expectKey) {
      const key = JSON.parse(token) as string;
      if (top.keys.has(key)) return { key, path: top.path === '' ? '(top level)' : top.path };
      top.keys.add(key);
      top.key = key;
      top.expectKey = false;
    }
  }
  return undefined;
}
