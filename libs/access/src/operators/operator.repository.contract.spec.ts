import { MetricCatalogue } from '@hub/contract';
import type { Executor } from '@hub/store';
import { TEST_STORES, type TestStore } from '@hub/store/testing';
import { AccessConflictError } from '../access-errors';
import type { Principal } from '../access-scope';
import { AccessFixture, ADMIN, refusalOf, T0 } from '../testing/access-fixtures';
import { StoredOperator } from './operator';
import { OperatorRepository } from './operator.repository';
import { OperatorsService } from './operators.service';

const PASSWORD = 'a long enough passphrase';

function operator(username: string, change: Partial<StoredOperator> = {}): StoredOperator {
  return { username, passwordHash: `hash-of-${username}`, role: 'operator', scope: { towns: [], domains: [] }, disabled: false, createdAt: T0, createdBy: 'admin', updatedAt: T0, ...change };
}

/**
 * Reads the enabled admins, then waits (up to 300 ms) for a second caller to have read them too: two transactions
 * that are not serialised both read before either writes, which is the interleaving the lock must prevent.
 */
class RendezvousOperators extends OperatorRepository {
  private readonly arrived: (() => void)[] = [];

  override async enabledAdmins(exec?: Executor): Promise<string[]> {
    const admins = await super.enabledAdmins(exec);
    await new Promise<void>((resolve) => {
      this.arrived.push(resolve);
      if (this.arrived.length === 2) for (const release of this.arrived) release();
      else setTimeout(resolve, 300);
    });
    return admins;
  }
}

describe.each(TEST_STORES)('OperatorRepository on %s', (dialect, open) => {
  let test: TestStore;
  let operators: OperatorRepository;

  beforeEach(async () => {
    test = await open();
    operators = new OperatorRepository(test.store);
  });
  afterEach(() => test.dispose());

  it('stores an operator and reads it back field for field, scope JSON included (unicode and village paths)', async () => {
    const dana = operator('dana', { role: 'admin', scope: { towns: ['城关镇', 'Ashford/Millbrook', 'O’Brien “Quote”'], domains: ['water', 'gas'] }, disabled: true, createdBy: 'system' });
    await operators.insert(dana);
    expect(await operators.get('dana')).toEqual(dana);
    expect(await operators.get('Dana')).toBeUndefined();
    expect(await operators.get('nobody')).toBeUndefined();
    expect(await operators.count()).toBe(1);
  });

  it('lists by username in byte order (capitals before lower case on both), and counts', async () => {
    for (const name of ['zoe', 'Bob', 'anna', 'a.b', 'a_b', 'a-b']) await operators.insert(operator(name));
    expect((await operators.list()).map((listed) => listed.username)).toEqual(['Bob', 'a-b', 'a.b', 'a_b', 'anna', 'zoe']);
    expect(await operators.count()).toBe(6);
  });

  it('names the enabled admins only, in order', async () => {
    await operators.insert(operator('chief', { role: 'admin' }));
    await operators.insert(operator('aide', { role: 'admin' }));
    await operators.insert(operator('gone', { role: 'admin', disabled: true }));
    await operators.insert(operator('dana'));
    expect(await operators.enabledAdmins()).toEqual(['aide', 'chief']);
  });

  it('changes only the fields given, and always updated_at', async () => {
    await operators.insert(operator('dana', { scope: { towns: ['Ashford'], domains: ['water'] } }));
    await operators.update('dana', { role: 'viewer', updatedAt: T0 + 1 });
    expect(await operators.get('dana')).toEqual(operator('dana', { role: 'viewer', scope: { towns: ['Ashford'], domains: ['water'] }, updatedAt: T0 + 1 }));
    await operators.update('dana', { scope: { towns: [], domains: ['heat'] }, disabled: true, passwordHash: 'new-hash', updatedAt: T0 + 2 });
    expect(await operators.get('dana')).toEqual(operator('dana', { role: 'viewer', scope: { towns: [], domains: ['heat'] }, disabled: true, passwordHash: 'new-hash', updatedAt: T0 + 2 }));
    await operators.update('dana', { disabled: false, updatedAt: T0 + 3 });
    expect((await operators.get('dana'))?.disabled).toBe(false);
    // An unknown operator: nothing changes, nothing is made.
    await operators.update('nobody', { role: 'admin', updatedAt: T0 + 4 });
    expect(await operators.count()).toBe(1);
  });

  it('refuses a second operator of the same name at the table (primary key)', async () => {
    await operators.insert(operator('dana'));
    expect(await refusalOf(operators.insert(operator('dana', { role: 'admin' })))).toMatch(
      dialect === 'sqlite' ? /^UNIQUE constraint failed: operators\.username$/ : /^duplicate key value violates unique constraint "operators_pkey"$/,
    );
    expect((await operators.get('dana'))?.role).toBe('operator');
  });

  it('keeps sessions tied to their operator: one with sessions cannot be deleted before they are', async () => {
    const access = new AccessFixture(test.store);
    try {
      await access.operators.create({ username: 'dana', password: PASSWORD, role: 'operator' }, ADMIN);
      await access.sessions.start('dana');
      expect(await refusalOf(test.store.db.deleteFrom('operators').where('username', '=', 'dana').execute())).toMatch(
        dialect === 'sqlite' ? /^FOREIGN KEY constraint failed$/ : /^update or delete on table "operators" violates foreign key constraint "operator_sessions_username_fkey" on table "operator_sessions"$/,
      );
      await test.store.tx(async (tx) => {
        expect(await access.sessions.endAllFor('dana', undefined, tx.exec)).toBe(1);
        await tx.exec.deleteFrom('operators').where('username', '=', 'dana').execute();
      });
      expect(await operators.get('dana')).toBeUndefined();
    } finally {
      await access.close();
    }
  });
});

describe.each(TEST_STORES)('OperatorsService read-check-writes on %s', (_dialect, open) => {
  let test: TestStore;
  let access: AccessFixture;

  beforeEach(async () => {
    test = await open();
    access = new AccessFixture(test.store);
  });
  afterEach(async () => {
    await access.close();
    await test.dispose();
  });

  it('lets exactly one of two admins disabling each other at once succeed: one enabled admin is always left', async () => {
    const repository = new RendezvousOperators(test.store);
    const service = new OperatorsService(test.store, repository, access.sessions, access.hasher, access.audit, MetricCatalogue.BUILT_IN, access.throttle, access.passwordFile, access.logger, access.clock);
    await service.create({ username: 'ann', password: PASSWORD, role: 'admin' }, ADMIN);
    await service.create({ username: 'ben', password: PASSWORD, role: 'admin' }, ADMIN);
    const ann: Principal = { kind: 'operator', name: 'ann', role: 'admin', scope: { towns: [], domains: [] } };
    const ben: Principal = { ...ann, name: 'ben' };
    const results = await Promise.allSettled([service.update('ben', { disabled: true }, ann), service.update('ann', { disabled: true }, ben)]);
    expect(results.map((result) => result.status).sort()).toEqual(['fulfilled', 'rejected']);
    const refused = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    expect(refused?.reason).toBeInstanceOf(AccessConflictError);
    expect((refused?.reason as Error).message).toMatch(/^(ann|ben) is the last enabled admin: make another admin first$/);
    expect(await repository.enabledAdmins()).toHaveLength(1);
    expect((await access.auditList({ action: 'operator.disable', limit: 10 })).length).toBe(1);
  });

  it('creates one operator of two created at once under one name; the other is told it exists (409, not a 500)', async () => {
    const results = await Promise.allSettled([
      access.operators.create({ username: 'dana', password: PASSWORD, role: 'operator' }, ADMIN),
      access.operators.create({ username: 'dana', password: 'another long passphrase', role: 'viewer' }, ADMIN),
    ]);
    expect(results.map((result) => result.status).sort()).toEqual(['fulfilled', 'rejected']);
    const refused = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    expect(refused?.reason).toEqual(new AccessConflictError('Operator dana already exists'));
    expect(await access.auditTrail()).toEqual(['admin operator.create dana']);
  });

  it('makes one initial admin when two nodes start at once on an empty database', async () => {
    const other = new OperatorsService(test.store, access.operatorRepository, access.sessions, access.hasher, access.audit, MetricCatalogue.BUILT_IN, access.throttle, access.passwordFile, access.logger, access.clock);
    const results = await Promise.all([access.operators.ensureInitialAdmin('compose secret password'), other.ensureInitialAdmin('compose secret password')]);
    expect(results.filter((result) => result !== null)).toEqual([{ username: 'admin', passwordFile: null }]);
    expect(await access.operatorRepository.count()).toBe(1);
    expect(await access.auditTrail()).toEqual(['system operator.create admin']);
  });

  it('ends an operator’s sessions in the transaction that disables them: a rollback keeps both', async () => {
    await access.operators.create({ username: 'dana', password: PASSWORD, role: 'operator' }, ADMIN);
    const { token } = await access.sessions.start('dana');
    await expect(
      test.store.tx(async (tx) => {
        await access.operatorRepository.update('dana', { disabled: true, updatedAt: T0 }, tx.exec);
        expect(await access.sessions.endAllFor('dana', undefined, tx.exec)).toBe(1);
        throw new Error('the change failed after its sessions ended');
      }),
    ).rejects.toThrow('the change failed after its sessions ended');
    expect((await access.sessions.resolve(token))?.principal.name).toBe('dana');
    await access.operators.update('dana', { disabled: true }, ADMIN);
    expect(await access.sessions.resolve(token)).toBeNull();
    expect(await access.sessions.countFor('dana')).toBe(0);
  });
});
