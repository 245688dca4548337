/**
 * Where each client is connected across the cluster, as the brokers announce it to each other (aedes publishes
 * `$SYS/<brokerId>/new/clients` and `…/disconnect/clients` on the shared emitter for every connection). Used for one
 * decision: a will left by a dead node for a client that has meanwhile connected to a live one is stale — publishing
 * it would say `offline` for a device that is online. A node knows only the connections announced since it started.
 */
export class ClusterClients {
  private readonly brokerOf = new Map<string, string>();

  get size(): number {
    return this.brokerOf.size;
  }

  connected(brokerId: string, clientId: string): void {
    this.brokerOf.set(clientId, brokerId);
  }

  disconnected(brokerId: string, clientId: string): void {
    // A takeover's new connection may be announced before the old one's end: only the broker holding it removes it.
    if (this.brokerOf.get(clientId) === brokerId) this.brokerOf.delete(clientId);
  }

  /** True when the client's latest connection is on another broker than the one that left this will. */
  connectedElsewhere(clientId: string, willBrokerId: string): boolean {
    const brokerId = this.brokerOf.get(clientId);
    return brokerId !== undefined && brokerId !== willBrokerId;
  }
}
