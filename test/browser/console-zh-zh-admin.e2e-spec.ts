import type { Locator } from 'playwright-core';
import { HubProcess } from '../harness/hub-process';
import { InfluxdProcess } from '../harness/influxd-process';
import { createOperator } from '../harness/operators';
import { ConsoleBrowser } from './console-browser';
import { eventually } from './web-assertions';

const ADMIN = { username: 'li.admin', password: 'county admin in chinese', role: 'admin' } as const;

/** A vendor RTU's own JSON: pressure in 0.1 kPa, epoch seconds, a sequence number. */
const MAPPING = { metrics: { pressure_kpa: { expr: 'P1', scale: 0.1 } }, timestamp: { expr: 'T', format: 'epoch-s' }, seq: 'N' };

/**
 * The admin pages in Simplified Chinese for a browser that asks for it: an admin makes an operator who sees one town,
 * finds the audit entry of it, and opens the device profiles to try a saved sample — every word checked exactly, so
 * a text left in English or a key shown raw fails here.
 */
describe('operator console: admin pages in Chinese (real browser, service, influxd)', () => {
  let influxd: InfluxdProcess;
  let hub: HubProcess;
  let browser: ConsoleBrowser;
  const eventSeconds = Math.floor(Date.now() / 1000) - 60;

  beforeAll(async () => {
    influxd = await InfluxdProcess.start();
    hub = await HubProcess.start({ INFLUX_URL: influxd.url, INFLUX_DATABASE: 'console_zh_admin', HUB_ALERT_DEFAULT_RULES: 'off', HUB_TIME_ZONE: 'Asia/Shanghai' });
    await createOperator(hub, ADMIN);
    const created = await hub.request('POST', '/api/device-profiles', {
      id: 'acme-rtu',
      name: 'ACME 4G RTU',
      domain: 'water',
      decoder: { kind: 'mapping', ...MAPPING },
      samples: [{ name: 'normal', payload: JSON.stringify({ P1: 4125, T: eventSeconds, N: 17 }), encoding: 'text' }],
    });
    expect(created.status).toBe(201);
    browser = await ConsoleBrowser.launch(hub.httpUrl, { locale: 'zh-CN', timezoneId: 'UTC' });
    await browser.open('/admin/operators');
    await browser.signIn(ADMIN.username, ADMIN.password);
  });

  afterAll(async () => {
    await browser?.close();
    await hub?.cleanup();
    await influxd?.cleanup();
  });

  const page = () => browser.page;
  const texts = async (locator: Locator): Promise<string[]> => (await locator.allTextContents()).map((text) => text.trim());

  it('creates an operator who sees one town, in Chinese from the tabs to the confirmation', async () => {
    await eventually(page().locator('#page-title')).toHaveText('用户');
    expect(await page().title()).toBe('用户 · 县域感知中枢');
    const tabs = page().locator('nav[aria-label="管理"] a');
    await eventually(tabs).toHaveCount(11);
    expect(await texts(tabs)).toEqual(['用户', 'API 密钥', '区域', '指标目录', '设备配置文件', '网络服务器', '联络点', '通知策略', '消息模板', '标准', '审计日志']);

    const form = page().locator('form.operator-form');
    await eventually(form.locator('#new-operator-title')).toHaveText('新建用户');
    expect(await texts(form.locator('.field-label'))).toEqual(['用户名', '密码', '角色', '乡镇', '行业']);
    expect(await texts(form.locator('select[name="role"] option'))).toEqual(['查看员', '值班员', '管理员']);
    await eventually(form.locator('input[name="towns"]')).toHaveAttribute('placeholder', '全部乡镇');
    expect(await texts(form.locator('.checkbox'))).toEqual(['供水', '电力', '燃气', '供热', '交通']);
    await form.locator('input[name="username"]').fill('zhao.min');
    await form.locator('input[name="password"]').fill('ashford water office');
    await form.getByLabel('角色').selectOption('operator');
    await eventually(form.locator('.field', { has: page().locator('select[name="role"]') }).locator('.field-hint')).toHaveText('还可确认、解决、评论和静默告警');
    await form.locator('input[name="towns"]').fill('Ashford');
    await form.getByRole('button', { name: '创建用户' }).click();
    await eventually(form.locator('.action-status')).toHaveText('zhao.min 现在可以登录了（值班员，可见范围：Ashford）。请当面告知密码。');

    const row = page().locator('tr[data-operator="zhao.min"]');
    await eventually(row.locator('th .muted')).toHaveText('未登录');
    await eventually(row.getByLabel('zhao.min 的角色')).toHaveValue('operator');
    await eventually(row.locator('td.col-optional .muted')).toHaveText(`由 ${ADMIN.username} 创建`);
    await eventually(row.getByRole('button', { name: '重置密码…' })).toHaveCount(1);
    await eventually(row.getByRole('button', { name: '停用' })).toHaveCount(1);
    expect(await texts(page().locator('.operators-table thead th'))).toEqual(['用户', '角色', '可见范围', '创建于', '操作']);
  });

  it('shows the creation in the audit log, filters and headings in Chinese', async () => {
    await page().getByRole('link', { name: '审计日志', exact: true }).click();
    await eventually(page().locator('#page-title')).toHaveText('审计日志');
    expect(await texts(page().locator('.audit-filters .field-label'))).toEqual(['操作人', '操作', '对象类型']);
    await eventually(page().locator('.audit-filters input[name="actor"]')).toHaveAttribute('placeholder', 'dana.ortiz、key:water-scada …');
    const first = page().locator('.audit-table tbody tr').first();
    await eventually(first).toHaveAttribute('data-audit-action', 'operator.create');
    expect(await texts(page().locator('.audit-table thead th'))).toEqual(['时间', '操作人', '操作', '对象', '详情']);
    await eventually(first.locator('[data-field="actor"]')).toHaveText(ADMIN.username);
    await eventually(first.locator('td').nth(3)).toHaveText('operator zhao.min');

    await page().locator('.audit-filters input[name="action"]').fill('no.such.action');
    await page().locator('.audit-filters input[name="action"]').press('Enter');
    await eventually(page().getByText('没有符合这些筛选条件的变更。')).toBeVisible();
  });

  it('opens the device profiles and tries a saved sample, the steps named in Chinese', async () => {
    await page().getByRole('link', { name: '设备配置文件', exact: true }).click();
    await eventually(page().locator('#page-title')).toHaveText('设备配置文件');
    const row = page().locator('tr[data-profile="acme-rtu"]');
    await eventually(row).toHaveCount(1);
    expect(await texts(page().locator('.profiles-table thead th'))).toEqual(['配置文件', '行业', '解码器', '设备数', '已解码', '已拒收', '平均解码耗时', '操作']);
    await eventually(page().getByRole('button', { name: '新建配置文件…' })).toHaveCount(1);

    await row.getByRole('button', { name: '编辑 acme-rtu' }).click();
    const editor = page().locator('section.profile-editor');
    await eventually(editor.locator('#profile-editor-title')).toHaveText('配置文件 acme-rtu 版本 1');
    await eventually(editor.locator('select[name="kind"] option:checked')).toHaveText('映射（用 JSONata 路径对应指标，无需代码）');
    await eventually(editor.locator('.profile-samples legend')).toHaveText('厂商负载样例');
    const tryBox = editor.getByRole('form', { name: '试用' });
    await tryBox.locator('select[name="sample"]').selectOption({ label: 'normal' });
    await tryBox.getByRole('button', { name: '试用' }).click();
    const result = tryBox.locator('.try-result');
    await eventually(result).toHaveAttribute('data-against', 'saved');
    await eventually(result.locator('p.muted')).toHaveText('已用已保存的配置文件试用；未存储任何数据。');
    expect(await texts(result.locator('thead th'))).toEqual(['步骤', '#', '事件时间（UTC）', 'seq', '指标或原因']);
    await eventually(result.locator('tr[data-kind="decoded"] td').first()).toHaveText('已解码');
    await eventually(result.locator('tr[data-kind="accepted"] td').first()).toHaveText('已接受');
    await eventually(result.locator('tr[data-kind="accepted"] [data-cell="what"]')).toHaveText('pressure_kpa = 412.5');
    await browser.screenshot('zh-admin-device-profiles');
    expect(browser.errors).toEqual([]);
  });
});
