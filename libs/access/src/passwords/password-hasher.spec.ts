import { CURRENT_SCRYPT, PasswordHasher, UNKNOWN_USER_HASH } from './password-hasher';
import { passwordProblem } from './password-policy';

/** Cheap parameters for most cases (the format and the comparison do not depend on the cost). */
const FAST = { logN: 10, r: 8, p: 1 };

describe('PasswordHasher', () => {
  it('stores scrypt with its parameters and a per-password salt, at today’s cost by default', async () => {
    const hasher = new PasswordHasher();
    const stored = await hasher.hash('correct horse battery staple');
    expect(stored).toMatch(/^scrypt\$ln=15,r=8,p=3\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=$/);
    expect(CURRENT_SCRYPT).toEqual({ logN: 15, r: 8, p: 3 });
    expect(await hasher.verify('correct horse battery staple', stored)).toBe(true);
    expect(hasher.needsRehash(stored)).toBe(false);
  });

  it('verifies only the same password, and salts each hash differently', async () => {
    const hasher = new PasswordHasher(FAST);
    const first = await hasher.hash('correct horse battery staple');
    const second = await hasher.hash('correct horse battery staple');
    expect(first).not.toBe(second);
    expect(await hasher.verify('correct horse battery staple', second)).toBe(true);
    expect(await hasher.verify('correct horse battery stapl', first)).toBe(false);
    expect(await hasher.verify('Correct horse battery staple', first)).toBe(false);
    expect(await hasher.verify('', first)).toBe(false);
  });

  it('treats Unicode spellings of the same text alike (NFKC), so a phone and a desk keyboard log in the same', async () => {
    const hasher = new PasswordHasher(FAST);
    const stored = await hasher.hash('ﬁeld crew café');
    expect(await hasher.verify('field crew cafe\u0301', stored)).toBe(true);
  });

  it('still verifies hashes made with older (weaker) parameters, and asks for a rehash', async () => {
    const old = await new PasswordHasher(FAST).hash('correct horse battery staple');
    const today = new PasswordHasher({ logN: 11, r: 8, p: 1 });
    expect(await today.verify('correct horse battery staple', old)).toBe(true);
    expect(today.needsRehash(old)).toBe(true);
    expect(today.needsRehash(await today.hash('x'))).toBe(false);
  });

  it('refuses stored values that are not its hashes, including ones asking for absurd costs', async () => {
    const hasher = new PasswordHasher(FAST);
    for (const stored of ['', 'plaintext', 'scrypt$ln=30,r=8,p=1$c2FsdHNhbHQ=$a2V5a2V5a2V5a2V5a2V5', 'bcrypt$2b$10$abc', 'scrypt$ln=10,r=8,p=1$$']) {
      expect(await hasher.verify('plaintext', stored)).toBe(false);
      expect(hasher.needsRehash(stored)).toBe(true);
    }
  });

  it('checks unknown usernames against a hash made at today’s cost (same work as a wrong password)', async () => {
    const hasher = new PasswordHasher();
    expect(hasher.needsRehash(UNKNOWN_USER_HASH)).toBe(false);
    expect(await hasher.verify('anything', UNKNOWN_USER_HASH)).toBe(false);
    expect(await hasher.verifyUnknownUser('anything')).toBe(false);
  });

  it('runs at most `concurrency` hashes at once, queueing the rest', async () => {
    const hasher = new PasswordHasher(FAST, 1);
    const results = await Promise.all(['a', 'b', 'c', 'd'].map(async (word) => hasher.verify(word, await hasher.hash(word))));
    expect(results).toEqual([true, true, true, true]);
  });
});

describe('passwordProblem', () => {
  it('wants 12 to 1024 characters, counted as characters, not bytes', () => {
    expect(passwordProblem('eleven char', 'dana')).toBe('must be at least 12 characters long (a passphrase of a few words is easiest), got 11');
    expect(passwordProblem('twelve chars', 'dana')).toBeNull();
    expect(passwordProblem('🔥'.repeat(11), 'dana')).toBe('must be at least 12 characters long (a passphrase of a few words is easiest), got 11');
    expect(passwordProblem('xyz1'.repeat(256), 'dana')).toBeNull();
    expect(passwordProblem('xyz1'.repeat(256) + 'w', 'dana')).toBe('must be at most 1024 characters long, got 1025');
    expect(passwordProblem(123456789012, 'dana')).toBe('must be a string of 12 to 1024 characters');
  });

  it('refuses the username inside it, a repeated character and the most common choices', () => {
    expect(passwordProblem('my name is DANA.ORTIZ', 'dana.ortiz')).toBe('must not contain the username');
    expect(passwordProblem('aaaaaaaaaaaaaaa', 'dana')).toBe('must not be one or two characters repeated');
    expect(passwordProblem('abababababababab', 'dana')).toBe('must not be one or two characters repeated');
    expect(passwordProblem('Password1234', 'dana')).toBe('is one of the most common passwords; choose another');
    // Short usernames are not searched for: "al" is in too many words.
    expect(passwordProblem('totally valid phrase', 'al')).toBeNull();
  });
});
