import { BOOTSTRAP_PRINCIPAL } from './principal-resolver';
import { AccessFixture, ADMIN } from './testing/access-fixtures';

describe('PrincipalResolver', () => {
  let access: AccessFixture;

  beforeEach(async () => {
    access = new AccessFixture();
    await access.operators.create({ username: 'dana', password: 'a long enough passphrase', role: 'operator' }, ADMIN);
  });

  afterEach(() => access.close());

  it('takes the bootstrap key or an API key from a Bearer header, and a session from the cookie', async () => {
    const { key } = await access.keys.create({ name: 'scada', role: 'viewer' }, ADMIN);
    const { token } = await access.sessions.start('dana');
    expect(await access.resolver.resolve({ authorization: 'Bearer the-bootstrap-key-from-the-environment' })).toEqual({ principal: BOOTSTRAP_PRINCIPAL, via: 'bearer' });
    expect((await access.resolver.resolve({ authorization: `bearer ${key}` }))?.principal.name).toBe('key:scada');
    expect(await access.resolver.resolve({ cookie: `theme=dark; hub_session=${token}` })).toMatchObject({ principal: { name: 'dana' }, via: 'session', session: { expiresAt: expect.any(Number) } });
  });

  it('judges a request with an Authorization header by it alone', async () => {
    const { token } = await access.sessions.start('dana');
    const cookie = `hub_session=${token}`;
    expect(await access.resolver.resolve({ authorization: 'Bearer wrong', cookie })).toBeNull();
    expect(await access.resolver.resolve({ authorization: 'Basic ZGFuYTpwYXNz', cookie })).toBeNull();
    expect(await access.resolver.resolve({ cookie: 'hub_session=' })).toBeNull();
    expect(await access.resolver.resolve({})).toBeNull();
  });
});
