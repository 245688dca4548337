import { existsSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * `${HUB_DATA_DIR}/initial-admin-password`: the first admin's random password, readable by the service's user only
 * (0600). It is removed once that password has been changed: after that it would only be a stale secret on disk.
 */
export class InitialAdminPasswordFile {
  readonly path: string;

  constructor(dataDir: string) {
    this.path = join(dataDir, 'initial-admin-password');
  }

  write(password: string): void {
    // A file left from an earlier database keeps its old mode under writeFile: start from nothing ('wx' = new file only).
    this.remove();
    writeFileSync(this.path, `${password}\n`, { mode: 0o600, flag: 'wx' });
  }

  remove(): void {
    if (existsSync(this.path)) unlinkSync(this.path);
  }
}
