import { rereadKeys, type SharedCacheNotice, UNSHARED_CACHE } from '@hub/common';
import type { IntegrationCredentials } from './integration-access.policy';
import type { IntegrationCredential, IntegrationClientRepository } from './integration-client.repository';

/**
 * Every integration client's credential in memory, so that an MQTT CONNECT costs no query and stays synchronous:
 * authenticate looks a name up once, plus once per `-` of the client id (clientIdOwner), and the table holds a few
 * dozen rows. Loaded at start; IntegrationClientsService writes a change here only after its transaction commits, so
 * memory never admits a secret the database does not hold.
 */
export class IntegrationCredentialCache implements IntegrationCredentials {
  private byName = new Map<string, IntegrationCredential>();
  private shared: SharedCacheNotice = UNSHARED_CACHE;

  constructor(private readonly repository: IntegrationClientRepository) {}

  /** Reads the whole table (start-up). */
  async load(): Promise<void> {
    (await this.readAll())();
  }

  shareChanges(shared: SharedCacheNotice): void {
    this.shared = shared;
  }

  /** The whole table again, as a swap to run when the caller decides (CacheCoherence: another node's changes). */
  async readAll(): Promise<() => void> {
    const loaded = new Map<string, IntegrationCredential>();
    for (const credential of await this.repository.credentials()) loaded.set(credential.client.name, credential);
    return () => (this.byName = loaded);
  }

  /** The named clients again (another node changed them): a secret it revoked or rotated stops working here too. */
  readKeys(names: readonly string[]): Promise<() => void> {
    return rereadKeys(names, (name) => this.repository.find(name), () => this.byName);
  }

  /** Reads one client again (or, without a name, all of them) and installs it at once. */
  async reload(name?: string): Promise<void> {
    (await (name === undefined ? this.readAll() : this.readKeys([name])))();
  }

  find(name: string): IntegrationCredential | undefined {
    return this.byName.get(name);
  }

  /** A committed change of this process. */
  remember(credential: IntegrationCredential): void {
    this.byName.set(credential.client.name, credential);
    this.shared.changed([credential.client.name]);
  }
}
