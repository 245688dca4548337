/** More distinct filters than this and a lookup would cost more than forwarding does: everything is forwarded. */
const MAX_FILTERS_TO_SCAN = 64;

/**
 * The topic filters MQTT clients hold, so the broker can tell that a PUBLISH has nobody to go to and skip
 * forwarding it. Fed from the broker's subscribe/unsubscribe events. Errs towards "someone may want it": a filter is
 * kept until its client unsubscribes it (a persistent session's filters outlive the connection, since QoS 1
 * messages are queued for it while it is offline), and past MAX_FILTERS_TO_SCAN filters every topic may match.
 */
export class SubscriptionIndex {
  /** Filter → ids of the clients holding it. */
  private readonly holders = new Map<string, Set<string>>();

  get filterCount(): number {
    return this.holders.size;
  }

  subscribed(clientId: string, filters: readonly string[]): void {
    for (const filter of filters) {
      let clients = this.holders.get(filter);
      if (clients === undefined) this.holders.set(filter, (clients = new Set()));
      clients.add(clientId);
    }
  }

  unsubscribed(clientId: string, filters: readonly string[]): void {
    for (const filter of filters) {
      const clients = this.holders.get(filter);
      if (clients === undefined) continue;
      clients.delete(clientId);
      if (clients.size === 0) this.holders.delete(filter);
    }
  }

  /** False only when no filter held can match `topic`, a topic name without wildcards. */
  mayHaveSubscriber(topic: string): boolean {
    if (this.holders.size === 0) return false;
    if (this.holders.size > MAX_FILTERS_TO_SCAN) return true;
    const levels = topic.split('/');
    for (const filter of this.holders.keys()) {
      if (levelsMatchFilter(levels, filter)) return true;
    }
    return false;
  }
}

const SHARED_PREFIX = '$share/';

/**
 * MQTT 3.1.1 §4.7 matching: `+` is one level, `#` (last) is any number of levels including none, so `a/#` matches
 * `a`. [MQTT-4.7.2-1] A filter starting with a wildcard does not match a topic starting with `$`. A shared
 * subscription (`$share/{group}/{filter}`, MQTT 5) matches as its filter does.
 */
export function topicMatchesFilter(topic: string, filter: string): boolean {
  return levelsMatchFilter(topic.split('/'), filter);
}

function levelsMatchFilter(topicLevels: readonly string[], filter: string): boolean {
  if (filter.startsWith(SHARED_PREFIX)) {
    const groupEnd = filter.indexOf('/', SHARED_PREFIX.length);
    if (groupEnd < 0) return false;
    filter = filter.slice(groupEnd + 1);
  }
  if (topicLevels[0].startsWith('$') && (filter.startsWith('+') || filter.startsWith('#'))) return false;
  const filterLevels = filter.split('/');
  for (let index = 0; index < filterLevels.length; index++) {
    const level = filterLevels[index];
    if (level === '#') return index === filterLevels.length - 1;
    if (index >= topicLevels.length) return false;
    if (level !== '+' && level !== topicLevels[index]) return false;
  }
  return topicLevels.length === filterLevels.length;
}
