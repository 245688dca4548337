import { AccessFixture, ADMIN } from '../testing/access-fixtures';
import { OperatorDirectory } from './operator-lookup';

describe('OperatorDirectory (operators in memory, for synchronous readers such as personal notifications)', () => {
  let access: AccessFixture;

  beforeEach(() => {
    access = new AccessFixture();
  });
  afterEach(() => access.close());

  it('follows every committed change of OperatorsService: the first admin, a new operator, a change of scope and a disable', async () => {
    expect(access.directory.get('admin')).toBeUndefined();
    await access.operators.ensureInitialAdmin('a long enough first password');
    expect(access.directory.get('admin')).toEqual(await access.operatorRepository.get('admin'));
    await access.operators.create({ username: 'dana', password: 'a long enough passphrase', role: 'operator', towns: ['城关镇'], domains: ['gas'] }, ADMIN);
    expect(access.directory.get('dana')).toEqual(await access.operatorRepository.get('dana'));
    await access.operators.update('dana', { disabled: true, towns: ['城关镇/东街村'] }, ADMIN);
    expect(access.directory.get('dana')).toEqual(await access.operatorRepository.get('dana'));
    expect(access.directory.get('dana')).toMatchObject({ disabled: true, scope: { towns: ['城关镇/东街村'], domains: ['gas'] } });
  });

  it('keeps what it had when a change is refused, and loads what the store holds (a restart)', async () => {
    await access.operators.create({ username: 'dana', password: 'a long enough passphrase', role: 'operator', towns: [], domains: [] }, ADMIN);
    const before = access.directory.get('dana');
    await expect(access.operators.update('dana', { role: 'nobody' }, ADMIN)).rejects.toThrow();
    expect(access.directory.get('dana')).toEqual(before);
    const restarted = await new OperatorDirectory().load(access.operatorRepository);
    expect(restarted.get('dana')).toEqual(await access.operatorRepository.get('dana'));
    expect(restarted.get('nobody')).toBeUndefined();
  });
});
