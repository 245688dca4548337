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

  constructor(private readonly repository: IntegrationClientRepository) {}

  /** Reads the whole table (start-up). */
  async load(): Promise<void> {
    const loaded = new Map<string, IntegrationCredential>();
    for (const credential of await this.repository.credentials()) loaded.set(credential.client.name, credential);
    this.byName = loaded;
  }

  /**
   * Reads one client again (or, without a name, all of them): for a change made elsewhere — by another node of a
   * cluster (issue 21) — that this process did not commit itself.
   */
  async reload(name?: string): Promise<void> {
    if (name === undefined) return this.load();
    const credential = await this.repository.find(name);
    if (credential === undefined) this.byName.delete(name);
    else this.byName.set(name, credential);
  }

  find(name: string): IntegrationCredential | undefined {
    return this.byName.get(name);
  }

  /** A committed change of this process. */
  remember(credential: IntegrationCredential): void {
    this.byName.set(credential.client.name, credential);
  }
}
