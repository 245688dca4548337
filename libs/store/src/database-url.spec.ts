import { describeDatabaseUrl, parseDatabaseUrl, postgresOptionsOf } from './database-url';

describe('HUB_DATABASE_URL', () => {
  it('reads one host or several, the database and the parameters', () => {
    const parts = parseDatabaseUrl('postgres://hub:s3cret@pg1.county.local:5432,pg2.county.local:5433/hub?target_session_attrs=read-write&sslmode=require');
    expect(parts).toEqual({
      scheme: 'postgres',
      user: 'hub',
      hosts: ['pg1.county.local:5432', 'pg2.county.local:5433'],
      database: 'hub',
      params: new Map([
        ['target_session_attrs', 'read-write'],
        ['sslmode', 'require'],
      ]),
    });
    expect(parseDatabaseUrl('postgresql://[::1]:5432/hub').hosts).toEqual(['[::1]:5432']);
    expect(parseDatabaseUrl('postgres://db').database).toBeNull();
  });

  it('shows hosts and database, never the user or password', () => {
    expect(describeDatabaseUrl('postgres://hub:s3cret@pg1:5432,pg2:5432/hub?target_session_attrs=read-write')).toBe('postgres://pg1:5432,pg2:5432/hub');
  });

  it.each([
    ['mysql://hub@db/hub', 'HUB_DATABASE_URL must look like postgres://user:password@host:5432/database (several hosts separated by commas)'],
    ['postgres://hub@pg1,,pg2/hub', 'HUB_DATABASE_URL has a host that is empty or not host[:port]: "pg1,,pg2"'],
    ['postgres://hub@pg1:70000/hub', 'HUB_DATABASE_URL has port 70000, outside 1–65535'],
    ['postgres://hub@pg1/hub?target_session_attrs=writable', 'HUB_DATABASE_URL target_session_attrs=writable is not one of any, read-write, read-only, primary, standby, prefer-standby'],
  ])('refuses %s, saying why', (url, message) => {
    expect(() => parseDatabaseUrl(url)).toThrow(message);
  });

  it('follows read-write as primary (postgres.js would settle on a hot standby), and passes the others on', () => {
    expect(postgresOptionsOf('postgres://pg1,pg2/hub?target_session_attrs=read-write', 'hub').target_session_attrs).toBe('primary');
    expect(postgresOptionsOf('postgres://pg1,pg2/hub?target_session_attrs=prefer-standby', 'hub').target_session_attrs).toBe('prefer-standby');
    expect(postgresOptionsOf('postgres://pg1/hub?target_session_attrs=any', 'hub')).not.toHaveProperty('target_session_attrs');
    expect(postgresOptionsOf('postgres://pg1/hub', 'hub')).not.toHaveProperty('target_session_attrs');
  });
});
