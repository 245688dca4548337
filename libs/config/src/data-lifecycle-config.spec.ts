import { loadHubConfig } from './hub-config';
import { configuredVariables } from './configured-variables';

const DAY = 86_400_000;

describe('pruning and backup settings', () => {
  it('takes each pruning period as a duration or off, and the backup schedule as a duration or off', () => {
    const config = loadHubConfig({
      HUB_PRUNE_EVERY: '2s',
      HUB_PRUNE_BATCH_ROWS: '50',
      HUB_PRUNE_RESOLVED_ALERTS_AFTER: '3s',
      HUB_PRUNE_DEAD_LETTERS_AFTER: 'off',
      HUB_PRUNE_AUDIT_AFTER: '3650d',
      HUB_PRUNE_COMMANDS_AFTER: 'OFF',
      HUB_BACKUP_DIR: '/srv/backups',
      HUB_BACKUP_EVERY: '6h',
      HUB_BACKUP_KEEP: '14',
    });
    expect(config.prune).toEqual({ everyMs: 2000, batchRows: 50, resolvedAlertsMs: 3000, deadLettersMs: null, auditLogMs: 3650 * DAY, commandsMs: null });
    expect(config.backup).toEqual({ dir: '/srv/backups', everyMs: 6 * 3_600_000, keep: 14 });
    expect(loadHubConfig({ HUB_BACKUP_EVERY: 'off' }).backup.everyMs).toBeNull();
  });

  it('names each bad value and what is allowed', () => {
    expect(() => loadHubConfig({ HUB_PRUNE_AUDIT_AFTER: 'forever' })).toThrow('Invalid environment variable HUB_PRUNE_AUDIT_AFTER="forever": a duration like 30s, 12h or 90d, from 1s to 36500d, or off');
    expect(() => loadHubConfig({ HUB_PRUNE_BATCH_ROWS: '0' })).toThrow('Invalid environment variable HUB_PRUNE_BATCH_ROWS="0": a whole number from 1 to 100000');
    expect(() => loadHubConfig({ HUB_BACKUP_EVERY: '10s' })).toThrow('Invalid environment variable HUB_BACKUP_EVERY="10s": a duration like 6h or 1d, from 1m to 30d, or off');
    expect(() => loadHubConfig({ HUB_BACKUP_KEEP: 'all' })).toThrow('Invalid environment variable HUB_BACKUP_KEEP="all": a whole number from 1 to 1000');
  });

  it('picks out of an environment the variables the hub reads that are set, and nothing else', () => {
    expect(configuredVariables({ PATH: '/usr/bin', HOME: '/root', HUB_DATA_DIR: '/srv/hub', INFLUX_URL: 'http://db:8086', HUB_PRUNE_EVERY: '5m', HUB_LOG_LEVEL: ' ' })).toEqual({
      HUB_DATA_DIR: '/srv/hub',
      INFLUX_URL: 'http://db:8086',
      HUB_PRUNE_EVERY: '5m',
    });
  });
});
