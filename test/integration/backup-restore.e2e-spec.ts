import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync, MqttClient } from 'mqtt';
import type { AlertRuleDocument, AlertView } from '@hub/alerts';
import type { AuditEntryView, AuditPage, DeviceView, OperatorView } from '@hub/api-types';
import type { BackupManifest } from '@hub/store';
import { alertsOf, call, createRule, historyOf, ScriptedDevice } from '../harness/alerts-api';
import { stats } from '../harness/hub-stats';
import { HubProcess } from '../harness/hub-process';
import { InfluxdProcess } from '../harness/influxd-process';
import { createOperator, login, send } from '../harness/operators';
import { deviceLogin } from '../harness/provision';
import { repoRoot } from '../harness/repo-root';
import { waitFor } from '../harness/wait-for';

const BACKUP_CLI = join(repoRoot(), 'dist/apps/backup/src/backup-cli.js');
const RESTORE_CLI = join(repoRoot(), 'dist/apps/backup/src/restore-cli.js');

interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** One run of a built CLI (what `npm run backup` / `npm run restore` run), with only the given environment. */
function runCli(script: string, args: string[], env: Record<string, string>): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, [script, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 30_000 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr });
    });
  });
}

/** What the registry says of a device (not presence, which moves on with every reading). */
const registryFacts = (devices: DeviceView[]) =>
  devices.map(({ deviceId, domain, kind, status, enabled, town, site, hasSecret, secretIssuedAt, provisionedAt, provisionedBy }) => ({
    deviceId, domain, kind, status, enabled, town, site, hasSecret, secretIssuedAt, provisionedAt, provisionedBy,
  }));

/**
 * Backups are tested by restoring them: a backup taken with the CLI while devices publish and an operator works on a
 * real hub, restored into a fresh data folder under a new hub process, holds the registry, the devices' credentials,
 * rules, alerts with their history, operators and the audit log exactly as they were at the backup. A restore over
 * a running hub, over existing data, or of a damaged backup is refused with its reason.
 */
describe('backup and restore (real service, real influxd, real MQTT)', () => {
  const OPERATOR = { username: 'dana.ortiz', password: 'a long enough password 7', role: 'operator' as const };
  let influxd: InfluxdProcess;
  let original: HubProcess;
  let restored: HubProcess | undefined;
  let work: string;
  const clients: MqttClient[] = [];
  const devices: ScriptedDevice[] = [];

  beforeAll(async () => {
    influxd = await InfluxdProcess.start();
    work = await mkdtemp(join(tmpdir(), 'hub-backup-e2e-'));
    original = await HubProcess.start({ INFLUX_URL: influxd.url, INFLUX_DATABASE: 'backup_restore', HUB_ALERT_DEFAULT_RULES: 'off' });
  });

  afterAll(async () => {
    // Forced and not awaited: the original hub's clients lost their connection when it stopped.
    for (const client of clients) client.end(true);
    for (const device of devices) await device.close();
    await restored?.cleanup();
    await original?.cleanup();
    await influxd?.cleanup();
    await rm(work, { recursive: true, force: true });
  });

  it('restores into a fresh data folder everything the backup held, and a device signs in with its old secret', async () => {
    // The operator's side: an operator, a rule edited once, an alert they acknowledged with a note.
    await createOperator(original, OPERATOR);
    const dana = await login(original, OPERATOR.username, OPERATOR.password);
    const rule = await createRule(original, {
      id: 'br-level',
      name: 'Reservoir low',
      severity: 'warning',
      selector: { domain: 'water', metric: 'level_m', deviceIds: ['br-alerting'] },
      evaluateEvery: '1s',
      condition: { type: 'threshold', operator: 'below', value: 2 },
    });
    const alerting = await ScriptedDevice.connect(original, 'water', 'br-alerting', { town: 'Ashford' });
    devices.push(alerting);
    await alerting.report({ level_m: 1.3 }, 3, 100);
    const [alert] = await waitFor(() => alertsOf(original, 'rule=br-level&state=firing'), (items) => items.length === 1, 10_000, 'the level alert');
    const acknowledged = await send<AlertView>(original, 'POST', `/api/alerts/${alert.id}/acknowledge`, dana.headers, { note: 'crew on the way' });
    expect(acknowledged.status).toBe(200);
    const edited = await call<AlertRuleDocument>(original, 'PATCH', '/api/alert-rules/br-level', { description: 'edited before the backup', revision: rule.revision });
    expect(edited.body.revision).toBe(2);

    // Two devices publishing all through the backup, each reading acknowledged (QoS 1).
    const secrets = new Map<string, string>();
    for (const deviceId of ['br-flow-1', 'br-flow-2']) {
      const credentials = await deviceLogin(original, deviceId, 'water', { town: 'Brookfield' });
      secrets.set(deviceId, credentials.password);
      clients.push(await connectAsync(original.mqttUrl, { ...credentials, reconnectPeriod: 0 }));
    }
    let publishing = true;
    let acknowledgedReadings = 0;
    const publishers = clients.map(async (client, index) => {
      while (publishing) {
        await client.publishAsync(`sensors/water/br-flow-${index + 1}/telemetry`, JSON.stringify({ ts: Date.now(), metrics: { flow_m3h: 40 + index } }), { qos: 1 });
        acknowledgedReadings++;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    });

    // What the backup must hold, read just before it.
    const before = {
      devices: registryFacts((await original.get<DeviceView[]>('/api/devices')).body),
      rule: (await call<AlertRuleDocument>(original, 'GET', '/api/alert-rules/br-level')).body,
      alerts: await alertsOf(original, 'rule=br-level'),
      history: await historyOf(original, alert.id),
      operators: (await original.get<OperatorView[]>('/api/operators')).body,
      audit: (await original.get<AuditPage>('/api/audit?limit=1000')).body.items,
    };
    expect(before.alerts.map((each) => [each.id, each.state, each.acknowledgedBy, each.acknowledgeNote])).toEqual([[alert.id, 'acknowledged', OPERATOR.username, 'crew on the way']]);
    const publishedBefore = acknowledgedReadings;

    const backups = join(work, 'backups');
    const backup = await runCli(BACKUP_CLI, [], { HUB_DATA_DIR: original.dataDir, HUB_BACKUP_DIR: backups, INFLUX_URL: influxd.url, INFLUX_DATABASE: 'backup_restore' });
    expect(backup).toMatchObject({ code: 0, stderr: '' });
    const folder = /into (\S+)\n/.exec(backup.stdout)?.[1] as string;
    expect(backup.stdout).toContain(`Backed up ${original.dataDir} (the hub is running: an online copy) into ${backups}/hub-backup-`);
    const manifest = JSON.parse(await readFile(join(folder, 'manifest.json'), 'utf8')) as BackupManifest;
    expect(manifest.rows).toMatchObject({ registry_devices: 3, operators: 2, alert_rules: 1, alerts: 1, alert_events: before.history.length, audit_log: before.audit.length });
    expect(manifest.files.map((file) => file.path)).toEqual(['data/hub.sqlite', 'data/initial-admin-password', 'config/hub.env']);
    expect(await readFile(join(folder, 'config/hub.env'), 'utf8')).toContain(`INFLUX_DATABASE='backup_restore'\n`);
    // Devices kept publishing through it.
    await waitFor(async () => acknowledgedReadings, (count) => count >= publishedBefore + 10, 5000, 'readings acknowledged after the backup');

    // Changes after the backup are not in it.
    expect((await call<AlertRuleDocument>(original, 'PATCH', '/api/alert-rules/br-level', { description: 'edited after the backup', revision: 2 })).body.revision).toBe(3);

    // A restore over the running hub is refused, even forced; the hub's folder is untouched.
    const overRunning = await runCli(RESTORE_CLI, [folder, '--force'], { HUB_DATA_DIR: original.dataDir });
    expect(overRunning).toEqual({
      code: 1,
      stdout: '',
      stderr: `Restore refused: a hub is running on the data folder ${original.dataDir} (it holds ${original.dataDir}/hub.lock); stop it first, then restore. Nothing was changed.\n`,
    });
    expect((await call<AlertRuleDocument>(original, 'GET', '/api/alert-rules/br-level')).body.revision).toBe(3);

    publishing = false;
    await Promise.all(publishers);
    expect(await original.stop()).toBe(0);

    // A damaged copy of the backup is refused, and leaves no folder behind.
    const damaged = join(work, 'damaged');
    await cp(folder, damaged, { recursive: true });
    const bytes = await readFile(join(damaged, 'data/hub.sqlite'));
    bytes[bytes.length - 100] ^= 0x5a;
    await writeFile(join(damaged, 'data/hub.sqlite'), bytes);
    const refusedDamaged = await runCli(RESTORE_CLI, [damaged, '--data-dir', join(work, 'never')], {});
    expect(refusedDamaged.code).toBe(1);
    expect(refusedDamaged.stderr).toMatch(/^Restore refused: data\/hub\.sqlite does not match its checksum \(manifest sha256 [0-9a-f]{64}, file [0-9a-f]{64}\): the backup is damaged\. Nothing was changed\.\n$/);
    expect(existsSync(join(work, 'never'))).toBe(false);

    // Restored into a fresh folder; a second restore there without --force is refused.
    const fresh = join(work, 'restored-data');
    const restore = await runCli(RESTORE_CLI, [folder, '--data-dir', fresh], {});
    expect(restore).toMatchObject({ code: 0, stderr: '' });
    expect(restore.stdout).toContain(`Restored ${folder} into ${fresh}\n`);
    expect(restore.stdout).toContain(`Configuration: ${folder}/config/hub.env holds the `);
    const again = await runCli(RESTORE_CLI, [folder, '--data-dir', fresh], {});
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(new RegExp(`^Restore refused: ${fresh} already holds a hub's database \\(hub\\.sqlite, \\d+ bytes\\); restore into an empty folder, or pass --force to replace it`));

    restored = await HubProcess.start({ INFLUX_URL: influxd.url, INFLUX_DATABASE: 'backup_restore', HUB_ALERT_DEFAULT_RULES: 'off' }, { dataDir: fresh });
    const hub = restored;
    // A second hub on the same folder stops before it opens anything there, saying why.
    const second = await runCli(join(repoRoot(), 'dist/apps/hub/src/main.js'), [], {
      HUB_DATA_DIR: fresh,
      HUB_HTTP_HOST: '127.0.0.1',
      HUB_HTTP_PORT: '0',
      HUB_MQTT_HOST: '127.0.0.1',
      HUB_MQTT_PORT: '0',
      HUB_MQTT_WS_PORT: '0',
      INFLUX_URL: influxd.url,
    });
    expect(second).toEqual({
      code: 1,
      stdout: '',
      stderr: `County Sensing Hub failed to start: The data folder ${fresh} is in use by a running hub or restore (it holds ${fresh}/hub.lock). Stop the other hub, or give this one its own HUB_DATA_DIR.\n`,
    });
    expect(registryFacts((await hub.get<DeviceView[]>('/api/devices')).body)).toEqual(before.devices);
    expect((await call<AlertRuleDocument>(hub, 'GET', '/api/alert-rules/br-level')).body).toEqual(before.rule);
    expect((await call<AlertRuleDocument>(hub, 'GET', '/api/alert-rules/br-level')).body).toMatchObject({ revision: 2, description: 'edited before the backup' });
    const alertsAfter = await alertsOf(hub, 'rule=br-level');
    expect(alertsAfter.map(({ id, state, acknowledgedBy, acknowledgedAt, acknowledgeNote, firedAt, startedAt, deviceId }) => ({ id, state, acknowledgedBy, acknowledgedAt, acknowledgeNote, firedAt, startedAt, deviceId }))).toEqual(
      before.alerts.map(({ id, state, acknowledgedBy, acknowledgedAt, acknowledgeNote, firedAt, startedAt, deviceId }) => ({ id, state, acknowledgedBy, acknowledgedAt, acknowledgeNote, firedAt, startedAt, deviceId })),
    );
    expect(await historyOf(hub, alert.id)).toEqual(before.history);
    expect((await hub.get<OperatorView[]>('/api/operators')).body).toEqual(before.operators);
    // The audit log up to the backup, entry for entry; nothing from after it.
    const auditAfter = (await hub.get<AuditPage>('/api/audit?limit=1000')).body.items;
    const upToBackup = auditAfter.filter((entry: AuditEntryView) => entry.id <= before.audit[0].id);
    expect(upToBackup).toEqual(before.audit);
    expect(auditAfter.some((entry) => entry.action === 'rule.update' && JSON.stringify(entry.detail).includes('edited after the backup'))).toBe(false);
    // The operators sign in with the passwords they had: dana hers, admin the first start's, kept in the data folder.
    expect((await send(hub, 'POST', '/api/auth/login', {}, { username: OPERATOR.username, password: OPERATOR.password })).status).toBe(200);
    const adminPassword = (await readFile(join(fresh, 'initial-admin-password'), 'utf8')).trim();
    expect(adminPassword).toBe((await readFile(join(original.dataDir, 'initial-admin-password'), 'utf8')).trim());
    expect((await send(hub, 'POST', '/api/auth/login', {}, { username: 'admin', password: adminPassword })).status).toBe(200);

    // A device reconnects with the secret it was given before the backup, and its reading is accepted.
    const acceptedBefore = (await stats(hub)).accepted;
    const device = await connectAsync(hub.mqttUrl, { clientId: 'br-flow-1', username: 'br-flow-1', password: secrets.get('br-flow-1'), reconnectPeriod: 0 });
    clients.push(device);
    await device.publishAsync('sensors/water/br-flow-1/telemetry', JSON.stringify({ ts: Date.now(), metrics: { flow_m3h: 77.5 } }), { qos: 1 });
    expect((await stats(hub)).accepted).toBe(acceptedBefore + 1);
    expect((await hub.get<{ matching: number }>('/api/dead-letters')).body.matching).toBe(0);
    // … and a wrong secret is still refused.
    await expect(connectAsync(hub.mqttUrl, { clientId: 'br-flow-2', username: 'br-flow-2', password: 'not-its-secret', reconnectPeriod: 0 })).rejects.toThrow(/Not authorized|Bad username or password/);
  });
});
