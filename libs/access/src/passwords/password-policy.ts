/**
 * What a password must be. NIST SP 800-63B: length is what counts (no composition rules, no forced rotation), long
 * passphrases must be allowed, and known-bad choices refused. 12 characters is the floor for accounts that can
 * acknowledge gas alarms; 1024 is only there to bound the work of hashing (anything a password manager makes fits).
 */
export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 1024;

/** A few choices every password-guessing list starts with (long enough to pass the length rule). */
const COMMON = new Set(['password1234', 'passwordpassword', '123456789012', '1234567890123', 'qwertyuiopas', 'administrator', 'letmeinletmein', 'changemechangeme']);

/** Why `password` is not acceptable for `username`, or null when it is. Lengths count characters, not UTF-16 units. */
export function passwordProblem(password: unknown, username: string): string | null {
  if (typeof password !== 'string') return `must be a string of ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters`;
  const length = [...password.normalize('NFKC')].length;
  if (length < MIN_PASSWORD_LENGTH) return `must be at least ${MIN_PASSWORD_LENGTH} characters long (a passphrase of a few words is easiest), got ${length}`;
  if (length > MAX_PASSWORD_LENGTH) return `must be at most ${MAX_PASSWORD_LENGTH} characters long, got ${length}`;
  const lower = password.toLowerCase();
  if (username.length >= 3 && lower.includes(username.toLowerCase())) return 'must not contain the username';
  if (new Set(password).size <= 2) return 'must not be one or two characters repeated';
  if (COMMON.has(lower)) return 'is one of the most common passwords; choose another';
  return null;
}
