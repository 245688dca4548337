import { ADDRESS_THROTTLE, LoginThrottle, USERNAME_THROTTLE } from './login-throttle';

const S = 1000;
const MIN = 60_000;

describe('LoginThrottle', () => {
  it('allows five failures per username, then doubles the wait from 1 s up to 15 min', () => {
    const throttle = new LoginThrottle();
    const locks = Array.from({ length: 16 }, (_, index) => throttle.fail('user:dana', USERNAME_THROTTLE, index * S));
    expect(locks.map((ms) => ms / S)).toEqual([0, 0, 0, 0, 0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900]);
  });

  it('answers how long until the next try, and lets the key try again once the lock is over', () => {
    const throttle = new LoginThrottle();
    for (let index = 0; index < 6; index++) throttle.fail('user:dana', USERNAME_THROTTLE, 1000);
    expect(throttle.retryAfterMs('user:dana', 1000)).toBe(1000);
    expect(throttle.retryAfterMs('user:dana', 1500)).toBe(500);
    expect(throttle.retryAfterMs('user:dana', 2000)).toBe(0);
    expect(throttle.retryAfterMs('user:sam', 1000)).toBe(0);
    // The next failure doubles the lock: the count is kept while it lasts.
    expect(throttle.fail('user:dana', USERNAME_THROTTLE, 2000)).toBe(2000);
  });

  it('gives an address more room than a username (a town office behind one NAT address)', () => {
    const throttle = new LoginThrottle();
    const locks = Array.from({ length: 21 }, () => throttle.fail('addr:10.0.0.7', ADDRESS_THROTTLE, 0));
    expect(locks.filter((ms) => ms === 0)).toHaveLength(20);
    expect(locks[20]).toBe(1000);
  });

  it('forgets failures 15 minutes after the last lock ended, and at once after a success', () => {
    const throttle = new LoginThrottle();
    for (let index = 0; index < 7; index++) throttle.fail('user:dana', USERNAME_THROTTLE, 0);
    expect(throttle.retryAfterMs('user:dana', 0)).toBe(2000);
    expect(throttle.fail('user:dana', USERNAME_THROTTLE, 2000 + 15 * MIN)).toBe(0);
    throttle.forget('user:dana');
    expect(throttle.size).toBe(0);
  });

  it('remembers a bounded number of keys, dropping unlocked ones first', () => {
    const throttle = new LoginThrottle(3);
    for (let index = 0; index < 6; index++) throttle.fail('user:locked', USERNAME_THROTTLE, 0);
    for (const name of ['a', 'b', 'c', 'd']) throttle.fail(`user:${name}`, USERNAME_THROTTLE, 0);
    expect(throttle.size).toBe(3);
    expect(throttle.retryAfterMs('user:locked', 0)).toBe(1000);
  });
});
