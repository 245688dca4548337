import { readDeviceCredential } from './device-credential';

const basic = (text: string) => `Basic ${Buffer.from(text).toString('base64')}`;

describe('readDeviceCredential', () => {
  it('reads Basic id:secret, the secret being everything after the first colon', () => {
    expect(readDeviceCredential(basic('w-1:se:cr:et'), 'w-2')).toEqual({ username: 'w-1', password: Buffer.from('se:cr:et') });
    expect(readDeviceCredential(basic('w-1:'), 'w-1')).toEqual({ username: 'w-1', password: Buffer.alloc(0) });
  });

  it('reads Bearer <secret> as the secret of the device in the path, whatever the scheme\'s case', () => {
    expect(readDeviceCredential('Bearer abc_DEF-123', 'w-1')).toEqual({ username: 'w-1', password: Buffer.from('abc_DEF-123') });
    expect(readDeviceCredential('bearer  abc ', 'w-1')).toEqual({ username: 'w-1', password: Buffer.from('abc') });
    expect(readDeviceCredential(`BASIC ${Buffer.from('w-1:s').toString('base64')}`, 'w-1')).toEqual({ username: 'w-1', password: Buffer.from('s') });
  });

  it('reads no header as no credential (the policy refuses it, or quarantine lets a newcomer in)', () => {
    expect(readDeviceCredential(undefined, 'w-1')).toEqual({ username: undefined, password: undefined });
    expect(readDeviceCredential('  ', 'w-1')).toEqual({ username: undefined, password: undefined });
  });

  it.each([
    ['Digest abc', 'the Authorization scheme is neither Basic nor Bearer'],
    ['Bearer', 'the Authorization header is not "<scheme> <credentials>"'],
    ['Bearer a b', 'the Authorization header is not "<scheme> <credentials>"'],
    ['Basic not*base64', 'the Basic credentials are not base64'],
    ['Basic abc', 'the Basic credentials are not base64'],
    [basic('no-colon'), 'the Basic credentials are not "<device id>:<secret>"'],
    [`Bearer ${'x'.repeat(2000)}`, 'the Authorization header is longer than 1024 characters'],
  ])('says what is wrong with %s', (header, malformed) => {
    expect(readDeviceCredential(header, 'w-1')).toEqual({ malformed });
  });
});
