import { deviceSecretMatches, generateDeviceSecret, hashDeviceSecret } from './device-secret';

describe('device secrets', () => {
  it('are 32 random bytes in base64url, different every time', () => {
    const secrets = new Set(Array.from({ length: 100 }, generateDeviceSecret));
    expect(secrets.size).toBe(100);
    for (const secret of secrets) {
      expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
    }
  });

  it('are stored as a SHA-256 hash that matches only the same secret', () => {
    const secret = generateDeviceSecret();
    const hash = hashDeviceSecret(secret);
    expect(hash).toMatch(/^sha256:[A-Za-z0-9_-]{43}$/);
    expect(hash).not.toContain(secret);
    expect(deviceSecretMatches(secret, hash)).toBe(true);
    expect(deviceSecretMatches(Buffer.from(secret), hash)).toBe(true);
    expect(deviceSecretMatches(`${secret}x`, hash)).toBe(false);
    expect(deviceSecretMatches(secret.slice(1), hash)).toBe(false);
    expect(deviceSecretMatches(undefined, hash)).toBe(false);
    expect(deviceSecretMatches('', hash)).toBe(false);
  });

  it('never match a missing or malformed hash', () => {
    expect(deviceSecretMatches('anything', null)).toBe(false);
    expect(deviceSecretMatches('anything', 'md5:abc')).toBe(false);
    expect(deviceSecretMatches('anything', 'sha256:short')).toBe(false);
  });
});
