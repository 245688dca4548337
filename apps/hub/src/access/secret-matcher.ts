import { createHash, timingSafeEqual } from 'node:crypto';

/** Compares presented secrets with a known one in constant time (by their SHA-256, so lengths never leak). */
export class SecretMatcher {
  private readonly digest: Buffer;

  constructor(secret: string) {
    this.digest = sha256(secret);
  }

  matches(presented: string): boolean {
    return timingSafeEqual(this.digest, sha256(presented));
  }
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
