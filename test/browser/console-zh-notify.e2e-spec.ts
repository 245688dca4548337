import type { NotificationPolicyTree } from '@hub/api-types';
import type { Locator } from 'playwright-core';
import { HubProcess } from '../harness/hub-process';
import { InfluxdProcess } from '../harness/influxd-process';
import { createOperator } from '../harness/operators';
import { RobotReceiver } from '../harness/robot-receiver';
import { ConsoleBrowser } from './console-browser';
import { eventually } from './web-assertions';

const CREDENTIALS = {
  dingtalk: { accessToken: 'ding-token-unused', secret: 'SECding-unused' },
  feishu: { hookToken: 'feishu-hook-unused', secret: 'feishu-secret-unused' },
  wecom: { key: 'wecom-key-unused' },
  webhook: { secret: 'webhook-secret-zh-never-shown' },
};
const ADMIN = { username: 'zhao.admin', password: 'county duty routes 42' };

/** A route of gas alerts that are critical, told to the duty webhook, then after 15 minutes to the head's. */
const POLICY: NotificationPolicyTree = {
  contactPoints: ['duty-webhook'],
  groupWaitMs: 30_000,
  groupIntervalMs: 300_000,
  repeatIntervalMs: 14_400_000,
  quietHours: { start: '22:00', end: '07:00', timeZone: 'Asia/Shanghai' },
  escalation: [],
  personalDelivery: { email: null, sms: null },
  routes: [
    {
      name: 'gas-critical',
      matchers: { domains: ['gas'], severities: ['critical'] },
      contactPoints: ['duty-webhook'],
      escalation: [{ afterMs: 900_000, contactPoints: ['head-webhook'] }],
      routes: [],
    },
  ],
};

/**
 * Admin → Contact points and Notification policy in Simplified Chinese, for a browser that asks for it, against the
 * real service and a local receiver that checks the webhook's signature: a contact point made in the form, its test
 * message's outcome and delivery log, a refusal with the receiver's answer, and a saved policy tree read in words.
 */
describe('operator console in Chinese: contact points and notification policy (real browser, service, receiver)', () => {
  let influxd: InfluxdProcess;
  let robots: RobotReceiver;
  let hub: HubProcess;
  let browser: ConsoleBrowser;

  beforeAll(async () => {
    [influxd, robots] = await Promise.all([InfluxdProcess.start(), RobotReceiver.start(CREDENTIALS)]);
    hub = await HubProcess.start({ INFLUX_URL: influxd.url, INFLUX_DATABASE: 'console_zh_notify', HUB_ALERT_DEFAULT_RULES: 'off', HUB_CONTACT_POINT_TIMEOUT: '3s', HUB_TIME_ZONE: 'Asia/Shanghai' });
    await createOperator(hub, { ...ADMIN, role: 'admin' });
    browser = await ConsoleBrowser.launch(hub.httpUrl, { locale: 'zh-CN', timezoneId: 'UTC' });
    await browser.open('/admin/contact-points');
    await browser.signIn(ADMIN.username, ADMIN.password);
  });

  afterAll(async () => {
    await browser?.close();
    await hub?.cleanup();
    await robots?.close();
    await influxd?.cleanup();
  });

  const page = () => browser.page;
  const webhookUrl = () => `${robots.url}/webhook`;
  const row = (name: string): Locator => page().locator(`tr[data-contact-point="${name}"]`);
  /** Each element's text, whitespace as the page shows it, once there are `count` of them. */
  const textsOf = async (locator: Locator, count: number): Promise<string[]> => {
    await eventually(locator).toHaveCount(count);
    return (await locator.allTextContents()).map((text) => text.replace(/\s+/g, ' ').trim());
  };

  it('creates a webhook contact point in the Chinese form, and its test message is reported sent in Chinese', async () => {
    await eventually(page().locator('#contact-points-title')).toHaveText('联络点');
    await eventually(page().locator('.state-empty .state-title')).toHaveText('尚无联络点');
    await page().getByRole('button', { name: '新建联络点…' }).click();
    const form = page().getByRole('form', { name: '新建联络点' });
    await eventually(form.locator('.field-label').first()).toHaveText('名称');
    await form.locator('input[name="name"]').fill('duty-webhook');
    await form.locator('input[name="url"]').fill(webhookUrl());
    await form.locator('input[name="secret"]').fill(CREDENTIALS.webhook.secret);
    await eventually(form.locator('[data-secret-hint="secret"]')).toHaveText('只写：保存后不再显示。');
    await form.getByRole('button', { name: '创建联络点' }).click();

    const saved = page().getByRole('form', { name: '联络点 duty-webhook' });
    await eventually(saved.locator('[data-secret-hint="secret"]')).toHaveText('已设置，不会显示。留空则保留当前值。');
    await eventually(saved.locator('input[name="secret"]')).toHaveAttribute('placeholder', '保持不变');
    await eventually(row('duty-webhook').locator('[data-cell="kind"]')).toHaveText('Webhook');
    await eventually(row('duty-webhook').locator('[data-cell="sends-to"]')).toHaveText(webhookUrl());
    expect(await textsOf(page().locator('.contact-points-table thead th'), 5)).toEqual(['名称', '类型', '发送至', '修改时间', '操作']);

    await row('duty-webhook').getByRole('button', { name: '向 duty-webhook 发送测试消息' }).click();
    await eventually(row('duty-webhook').locator('[data-cell="test-result"]')).toHaveText('测试消息已发送（状态码 204）');
    expect(robots.received).toHaveLength(1);
    expect(robots.received[0]).toMatchObject({ platform: 'webhook', path: '/webhook', signatureOk: true });

    await row('duty-webhook').getByRole('button', { name: 'duty-webhook 的发送记录' }).click();
    const deliveries = page().locator('[data-deliveries="duty-webhook"]');
    await eventually(deliveries.locator('h3')).toHaveText('duty-webhook 的最近发送记录');
    expect(await textsOf(deliveries.locator('thead th'), 4)).toEqual(['时间', '内容', '结果', '服务方应答']);
    await eventually(deliveries.locator('tbody tr')).toHaveCount(1);
    await eventually(deliveries.locator('tbody tr [data-cell="what"]')).toHaveText('测试消息');
    await eventually(deliveries.locator('tbody tr [data-cell="outcome"]')).toHaveText('已发送（状态码 204）');
  });

  it('reports a refusal in Chinese, with the receiver’s own answer', async () => {
    const created = await hub.request('POST', '/api/contact-points', { name: 'head-webhook', kind: 'webhook', settings: { url: webhookUrl(), secret: 'a-secret-the-receiver-does-not-know' } });
    expect(created.status).toBe(201);
    await page().reload();
    await row('head-webhook').getByRole('button', { name: '向 head-webhook 发送测试消息' }).click();
    await eventually(row('head-webhook').locator('[data-cell="test-result"]')).toHaveText('测试消息被拒绝（状态码 401），不可重试：{"error":"bad signature"}');
  });

  it('reads a saved policy tree in Chinese words, its editor names the route in Chinese, and a delete warns where the tree names the contact point', async () => {
    const stored = await hub.request('PUT', '/api/notification-policies', POLICY);
    expect(stored.status).toBe(200);
    await browser.open('/admin/notification-policies');
    await eventually(page().locator('#policy-title')).toHaveText('通知策略');
    const tree = page().locator('[data-policy-tree]');
    const root = tree.locator('[data-route="default"]');
    await eventually(root.locator('.policy-route-title')).toHaveText('默认路由 — 所有子路由未接收的告警');
    await eventually(root.locator('[data-cell="sends"]')).toHaveText('→ duty-webhook');
    await eventually(root.locator('[data-cell="timings"]')).toHaveText(
      '分组等待 0.5 分钟 · 分组间隔 5 分钟 · 未确认时每 240 分钟重复发送 · 免打扰时段 22:00–07:00（Asia/Shanghai）：非严重消息暂缓发送',
    );
    await eventually(root.locator('[data-cell="escalation"]')).toHaveText('不升级');
    await eventually(tree.locator('[data-cell="personal-delivery"]')).toHaveText('操作员个人邮件：不提供；个人短信：不提供');
    const route = tree.locator('[data-route="1"]');
    await eventually(route.locator('.policy-route-title')).toHaveText('路由 1 gas-critical：行业为燃气，级别为严重');
    await eventually(route.locator('[data-cell="sends"]')).toHaveText('→ duty-webhook');
    await eventually(route.locator('[data-cell="timings"]')).toHaveText('时间设置同上级路由');
    await eventually(route.locator('[data-cell="escalation"]')).toHaveText('15 分钟未确认 → head-webhook');

    await page().getByRole('button', { name: '编辑策略…' }).click();
    const form = page().getByRole('form', { name: '通知策略' });
    const editor = form.locator('[data-route-editor="1"]');
    await eventually(editor.locator('legend').first()).toHaveText('路由 1“gas-critical”（燃气、严重）');
    const gas = editor.locator('[data-field="domains"]').getByRole('checkbox', { name: '燃气' });
    const critical = editor.locator('[data-field="severities"]').getByRole('checkbox', { name: '严重' });
    await eventually(gas).toHaveCount(1);
    expect([await gas.getAttribute('value'), await gas.isChecked()]).toEqual(['gas', true]);
    expect([await critical.getAttribute('value'), await critical.isChecked()]).toEqual(['critical', true]);
    await eventually(editor.locator('[data-level="1"] > legend')).toHaveText('第 1 级升级');
    await eventually(editor.getByLabel('未确认多久后（分钟）')).toHaveValue('15');
    await page().getByRole('button', { name: '取消' }).click();

    await browser.open('/admin/contact-points');
    await row('head-webhook').getByRole('button', { name: '删除 head-webhook' }).click();
    await eventually(row('head-webhook').locator('.confirm')).toHaveText(
      '删除 head-webhook？其发送记录将一并删除。通知策略仍引用它（路由 1 第 1 级升级）：修改之前，通知策略将无法再次保存。 删除 保留',
    );
    await row('head-webhook').getByRole('button', { name: '保留' }).click();
    expect((await hub.get('/api/contact-points/head-webhook')).status).toBe(200);
    expect(browser.errors).toEqual([]);
  });
});
