import { access, constants, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BrowserContext, chromium, Page } from 'playwright-core';

/** Debian's chromium (scripts/test.sh installs it); never a browser downloaded by Playwright. */
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
/** Screenshots of every view, kept as test artefacts (git-ignored). */
export const SCREENSHOT_DIR = resolve(__dirname, '../../artifacts/console');

export interface ConsoleBrowserOptions {
  /** The operator's zone; the console must show times in it. */
  readonly timezoneId?: string;
  readonly locale?: string;
  readonly colorScheme?: 'light' | 'dark';
  readonly viewport?: { readonly width: number; readonly height: number };
}

/**
 * A real Chromium with a fresh profile, pointed at one running hub. Every page error and failed console message is
 * collected, so a test can assert the console ran clean.
 */
export class ConsoleBrowser {
  readonly errors: string[] = [];

  private constructor(
    private readonly context: BrowserContext,
    private readonly profileDir: string,
    readonly page: Page,
    private readonly baseUrl: string,
  ) {}

  static async launch(baseUrl: string, options: ConsoleBrowserOptions = {}): Promise<ConsoleBrowser> {
    try {
      await access(CHROMIUM, constants.X_OK);
    } catch {
      throw new Error(`${CHROMIUM} not found: run \`bash scripts/test.sh\`, which installs Debian's chromium for the browser tests`);
    }
    const profileDir = await mkdtemp(join(tmpdir(), 'console-chromium-'));
    let context: BrowserContext;
    try {
      context = await chromium.launchPersistentContext(profileDir, {
        executablePath: CHROMIUM,
        headless: true,
        args: CHROMIUM_ARGS,
        viewport: options.viewport ?? { width: 1440, height: 900 },
        timezoneId: options.timezoneId ?? 'America/Chicago',
        locale: options.locale ?? 'en-US',
        colorScheme: options.colorScheme ?? 'dark',
      });
    } catch (error) {
      await rm(profileDir, { recursive: true, force: true });
      throw error;
    }
    const page = context.pages()[0] ?? (await context.newPage());
    const browser = new ConsoleBrowser(context, profileDir, page, baseUrl);
    page.on('pageerror', (error) => browser.errors.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      // A failed request is logged by Chromium as a console error; the tests that provoke one clear the list.
      if (message.type() === 'error') browser.errors.push(`console: ${message.text()}`);
    });
    return browser;
  }

  async open(path: string): Promise<void> {
    await this.page.goto(`${this.baseUrl}${path}`);
  }

  /**
   * Signs in through the console's own login page (shown in place of any page while nobody is signed in) and waits
   * until the console shows the operator in its header.
   */
  async signIn(username: string, password: string): Promise<void> {
    const form = this.page.locator('form.login-card');
    await form.waitFor({ state: 'visible', timeout: 15_000 });
    await form.locator('input[name="username"]').fill(username);
    await form.locator('input[name="password"]').fill(password);
    // By its role in the form, not its words: the console may be in Chinese.
    await form.locator('button[type="submit"]').click();
    await this.page.locator(`.signed-in[data-me="${username}"]`).waitFor({ state: 'visible', timeout: 15_000 });
    // Before signing in, the console's "who am I?" is answered 401 and Chromium logs that: expected, not an error.
    const unexpected = this.errors.filter((message) => !/status of 401/.test(message));
    this.errors.splice(0, this.errors.length, ...unexpected);
  }

  /** Saves artifacts/console/<name>.png (full page) and returns its path. */
  async screenshot(name: string): Promise<string> {
    await mkdir(SCREENSHOT_DIR, { recursive: true });
    const path = join(SCREENSHOT_DIR, `${name}.png`);
    // From the top: a full-page capture of a scrolled page repeats the sticky header half-way down.
    await this.page.evaluate('window.scrollTo(0, 0)');
    await this.page.screenshot({ path, fullPage: true, animations: 'disabled' });
    return path;
  }

  async close(): Promise<void> {
    try {
      await this.context.close();
    } finally {
      await rm(this.profileDir, { recursive: true, force: true });
    }
  }

  /** Marks the current document; `sameDocument()` is true until the page is reloaded or left. */
  async markDocument(): Promise<void> {
    await this.page.evaluate('window.__consoleTestMark = true');
  }

  async sameDocument(): Promise<boolean> {
    return (await this.page.evaluate('window.__consoleTestMark === true')) === true;
  }
}
