import { AuditLogRepository } from './audit-log.repository';
import { openSqliteDatabase } from './sqlite-database';

describe('AuditLogRepository', () => {
  const build = () => new AuditLogRepository(openSqliteDatabase(':memory:'));

  it('keeps who did what to which thing, newest first', () => {
    const audit = build();
    audit.record({ at: 1000, actor: 'alice', action: 'alert.acknowledge', targetType: 'alert', targetId: '7', detail: { note: 'crew sent' } });
    audit.record({ at: 2000, actor: 'key:import', action: 'device.provision', targetType: 'device', targetId: 'w-1', detail: { town: 'Ashford' } });
    const entries = audit.list({ limit: 10 });
    expect(entries.map((entry) => [entry.at, entry.actor, entry.action, entry.targetId])).toEqual([
      [2000, 'key:import', 'device.provision', 'w-1'],
      [1000, 'alice', 'alert.acknowledge', '7'],
    ]);
    expect(entries[1].detail).toEqual({ note: 'crew sent' });
  });

  it('filters by actor, action and target and pages backwards by id', () => {
    const audit = build();
    for (let index = 0; index < 5; index++) {
      audit.record({ actor: index % 2 === 0 ? 'alice' : 'bob', action: 'alert.resolve', targetType: 'alert', targetId: String(index), detail: {} });
    }
    expect(audit.list({ actor: 'alice', limit: 10 }).map((entry) => entry.targetId)).toEqual(['4', '2', '0']);
    expect(audit.list({ targetType: 'alert', targetId: '3', limit: 10 }).map((entry) => entry.actor)).toEqual(['bob']);
    const firstPage = audit.list({ limit: 2 });
    expect(firstPage.map((entry) => entry.targetId)).toEqual(['4', '3']);
    expect(audit.list({ beforeId: firstPage[1].id, limit: 2 }).map((entry) => entry.targetId)).toEqual(['2', '1']);
    expect(audit.list({ action: 'device.provision', limit: 10 })).toEqual([]);
  });

  it('prunes entries written before the cutoff in batches, oldest first, keeping one written exactly at it', () => {
    const audit = build();
    for (const at of [1000, 1999, 2000, 500, 3000]) audit.record({ at, actor: 'alice', action: 'rule.update', targetType: 'rule', targetId: String(at), detail: {} });
    expect(audit.pruneBefore(2000, 2)).toBe(2);
    expect(audit.list({ limit: 10 }).map((entry) => entry.at)).toEqual([3000, 2000, 1999]);
    expect(audit.pruneBefore(2000, 2)).toBe(1);
    expect(audit.pruneBefore(2000, 2)).toBe(0);
    expect(audit.list({ limit: 10 }).map((entry) => entry.at)).toEqual([3000, 2000]);
  });
});
