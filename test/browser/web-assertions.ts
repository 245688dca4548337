import type { Locator, Page } from 'playwright-core';

/**
 * Retrying assertions on what the page shows (playwright-core has no `expect`): each re-reads the page until the
 * expectation holds or the timeout passes, then fails with what it saw last. The console updates asynchronously
 * (fetches, live events), so a one-shot read would be flaky.
 */
const DEFAULT_TIMEOUT_MS = 10_000;
const POLL_MS = 100;
/** One read may wait this long for its element, so a missing element costs a poll, not the whole timeout. */
const READ_TIMEOUT_MS = 500;

/** The little of the browser's globals these page functions use (the tests compile without the DOM library). */
interface BrowserGlobals {
  readonly document: { readonly activeElement: unknown };
}

interface Options {
  readonly timeout?: number;
}

type Expected = string | RegExp;

const normalise = (text: string | null): string => (text ?? '').replace(/\s+/g, ' ').trim();
const matches = (actual: string | null, expected: Expected): boolean =>
  actual !== null && (typeof expected === 'string' ? actual === expected : expected.test(actual));

async function until<T>(what: string, read: () => Promise<T>, ok: (value: T) => boolean, options: Options = {}): Promise<void> {
  const deadline = Date.now() + (options.timeout ?? DEFAULT_TIMEOUT_MS);
  let last: string;
  for (;;) {
    try {
      const value = await read();
      if (ok(value)) return;
      last = JSON.stringify(value);
    } catch (error) {
      last = `error: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
    }
    if (Date.now() > deadline) throw new Error(`Timed out after ${options.timeout ?? DEFAULT_TIMEOUT_MS} ms: expected ${what}; last seen ${last}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

export function eventually(locator: Locator) {
  const text = async (): Promise<string> => normalise(await locator.textContent({ timeout: READ_TIMEOUT_MS }));
  return {
    toHaveText: (expected: Expected, options?: Options) => until(`${locator} to have text ${String(expected)}`, text, (actual) => matches(actual, expected), options),
    toContainText: (expected: string, options?: Options) => until(`${locator} to contain ${expected}`, text, (actual) => actual.includes(expected), options),
    toHaveCount: (count: number, options?: Options) => until(`${locator} to match ${count} elements`, () => locator.count(), (actual) => actual === count, options),
    toHaveAttribute: (name: string, expected: Expected, options?: Options) =>
      until(`${locator} to have ${name}=${String(expected)}`, () => locator.getAttribute(name, { timeout: READ_TIMEOUT_MS }), (actual) => matches(actual, expected), options),
    toHaveClass: (expected: RegExp, options?: Options) =>
      until(`${locator} to have class ${String(expected)}`, () => locator.getAttribute('class', { timeout: READ_TIMEOUT_MS }), (actual) => matches(actual, expected), options),
    toHaveValue: (expected: Expected, options?: Options) =>
      until(`${locator} to have value ${String(expected)}`, () => locator.inputValue({ timeout: READ_TIMEOUT_MS }), (actual) => matches(actual, expected), options),
    toBeVisible: (options?: Options) => until(`${locator} to be visible`, () => locator.isVisible(), (visible) => visible, options),
    toBeHidden: (options?: Options) => until(`${locator} to be hidden`, () => locator.isVisible(), (visible) => !visible, options),
    toBeDisabled: (options?: Options) => until(`${locator} to be disabled`, () => locator.isDisabled({ timeout: READ_TIMEOUT_MS }), (disabled) => disabled, options),
    toBeFocused: (options?: Options) =>
      until(`${locator} to have focus`, () => hasFocus(locator), (focused) => focused, options),
    toBeUnfocused: (options?: Options) => until(`${locator} not to have focus`, () => hasFocus(locator), (focused) => !focused, options),
  };
}

async function hasFocus(locator: Locator): Promise<boolean> {
  const focused = await locator.evaluate((element: unknown) => element === (globalThis as unknown as BrowserGlobals).document.activeElement, undefined, {
    timeout: READ_TIMEOUT_MS,
  });
  return focused === true;
}

export function eventuallyPage(page: Page) {
  return {
    toHaveURL: (expected: Expected, options?: Options) => until(`URL ${String(expected)}`, async () => page.url(), (url) => matches(url, expected), options),
    toHaveTitle: (expected: Expected, options?: Options) => until(`title ${String(expected)}`, () => page.title(), (title) => matches(title, expected), options),
  };
}
