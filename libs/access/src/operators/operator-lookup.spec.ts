import { AccessFixture, ADMIN } from '../testing/access-fixtures';
import { SqliteOperatorLookup } from './operator-lookup';

describe('SqliteOperatorLookup (the synchronous bridge for personal notifications)', () => {
  let access: AccessFixture;

  beforeEach(() => {
    access = new AccessFixture();
  });
  afterEach(() => access.close());

  it('answers synchronously what OperatorRepository committed on the shared SQLite handle', async () => {
    const handle = access.store.sqlite;
    if (handle === null) throw new Error('the fixture store is SQLite');
    const lookup = new SqliteOperatorLookup(handle);
    expect(lookup.get('dana')).toBeUndefined();
    await access.operators.create({ username: 'dana', password: 'a long enough passphrase', role: 'operator', towns: ['城关镇'], domains: ['gas'] }, ADMIN);
    expect(lookup.get('dana')).toEqual(await access.operatorRepository.get('dana'));
    await access.operators.update('dana', { disabled: true }, ADMIN);
    expect(lookup.get('dana')).toMatchObject({ disabled: true, scope: { towns: ['城关镇'], domains: ['gas'] } });
  });
});
