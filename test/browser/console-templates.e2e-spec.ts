import { HubProcess } from '../harness/hub-process';
import { InfluxdProcess } from '../harness/influxd-process';
import { createOperator } from '../harness/operators';
import { ConsoleBrowser } from './console-browser';
import { eventually } from './web-assertions';

interface TemplateView {
  name: string;
  override: { body: string; updatedBy: string } | null;
  body: string;
}

const ZH_DEFAULT_SUBJECT = '{{testPrefix}}【{{severity}}】{{ruleName}}{{eventWords}}：{{deviceId}}{{#town}}（{{town}}）{{/town}}';

/**
 * The message template editor in Debian's Chromium against the real service: the preview follows the draft as the
 * hub renders it (the HTML in a sandboxed frame), a mistake is shown at the field in the hub's words, and Save and
 * Revert to default change what the hub stores.
 */
describe('operator console: message templates (real browser, service)', () => {
  let influxd: InfluxdProcess;
  let hub: HubProcess;
  let browser: ConsoleBrowser;

  beforeAll(async () => {
    influxd = await InfluxdProcess.start();
    hub = await HubProcess.start({ INFLUX_URL: influxd.url, INFLUX_DATABASE: 'console_templates', HUB_ALERT_DEFAULT_RULES: 'off', HUB_PUBLIC_URL: 'https://hub.county.example' });
    await createOperator(hub, { username: 'tmpl.admin', password: 'words for the duty staff 7', role: 'admin' });
    browser = await ConsoleBrowser.launch(hub.httpUrl);
    await browser.open('/admin/message-templates');
    await browser.signIn('tmpl.admin', 'words for the duty staff 7');
  });

  afterAll(async () => {
    await browser?.close();
    await hub?.cleanup();
    await influxd?.cleanup();
  });

  const page = () => browser.page;
  const body = () => page().locator('textarea[name="body"]');
  const previewOf = (part: string) => page().locator(`[data-preview="${part}"]`);
  const zhSubject = async (): Promise<TemplateView> => {
    const answer = await hub.get<{ languages: Array<{ language: string; templates: TemplateView[] }> }>('/api/notification-templates');
    return answer.body.languages.find((entry) => entry.language === 'zh')!.templates.find((entry) => entry.name === 'subject')!;
  };

  it('shows the Chinese subject and its rendering, and follows the draft as it is typed', async () => {
    await eventually(body()).toHaveValue(ZH_DEFAULT_SUBJECT);
    await eventually(previewOf('subject')).toHaveText('【严重】测试消息告警触发：test-device（Ashford）');
    await body().fill('{{severity}}：{{deviceId}} {{value}}{{unit}}');
    await eventually(previewOf('subject')).toHaveText('严重：test-device 1250ppm');
    await browser.screenshot('admin-message-templates');
  });

  it('shows the hub’s objection at the field, and the HTML rendered in a sandboxed frame', async () => {
    await body().fill('{{devise}}');
    await eventually(page().locator('[data-field-error="body"]')).toContainText('uses unknown field {{devise}}; the fields are testPrefix, alertId, ruleName');
    await eventually(body()).toHaveAttribute('aria-invalid', 'true');
    await page().locator('select[name="template"]').selectOption('html');
    await eventually(page().locator('[data-field-error="body"]')).toHaveCount(0);
    const frame = previewOf('html');
    await eventually(frame).toHaveAttribute('sandbox', '');
    await eventually(page().frameLocator('iframe[data-preview="html"]').locator('a')).toHaveText('在控制台查看告警 0');
    expect(await page().frameLocator('iframe[data-preview="html"]').locator('a').getAttribute('href')).toBe('https://hub.county.example/alerts/0');
    await page().locator('select[name="template"]').selectOption('subject');
    await eventually(body()).toHaveValue(ZH_DEFAULT_SUBJECT);
  });

  it('saves the draft, which the hub then uses, and reverts to the shipped default', async () => {
    await body().fill('{{severity}}告警：{{deviceId}}');
    await eventually(previewOf('subject')).toHaveText('严重告警：test-device');
    await page().getByRole('button', { name: 'Save' }).click();
    await eventually(page().locator('.badge', { hasText: 'changed by tmpl.admin' })).toHaveCount(1);
    expect(await zhSubject()).toMatchObject({ override: { body: '{{severity}}告警：{{deviceId}}', updatedBy: 'tmpl.admin' } });
    await eventually(page().getByRole('button', { name: 'Save' })).toBeDisabled();
    await page().getByRole('button', { name: 'Revert to default' }).click();
    await eventually(body()).toHaveValue(ZH_DEFAULT_SUBJECT);
    await eventually(previewOf('subject')).toHaveText('【严重】测试消息告警触发：test-device（Ashford）');
    expect(await zhSubject()).toMatchObject({ override: null, body: ZH_DEFAULT_SUBJECT });
    // Refused previews are answered 400 and Chromium logs them; anything else (a CSP refusal of the frame) is a defect.
    expect(browser.errors.filter((message) => !/status of 400/.test(message))).toEqual([]);
  });
});
