import { Aedes, Client } from 'aedes';
import { SubscriptionIndex } from './subscription-index';

type PublishArgs = Parameters<Aedes['publish']>;

/**
 * Skips aedes' forwarding of a client's PUBLISH when no client holds a filter that matches its topic. After the
 * PUBACK, aedes runs every QoS 1 message through retained storage, the persistence's offline queues and the
 * emitter's topic matching, each step a promise or callback, to find nobody (measured: about a tenth of the
 * service's CPU at full load). Not skipped: retained messages (stored for later subscribers), the broker's own
 * `$SYS` messages, and publishes of the service itself (no client). aedes' 'publish' event is not emitted for a
 * skipped message; nothing in the service listens to it. A subscription made while a message is on its way may miss
 * that message, which MQTT allows (only messages published after the SUBACK are owed to the subscriber).
 * In a cluster the index is fed from every node (ClusterAnnouncements). Also skipped: a message `refused` says is
 * not to be forwarded (acknowledged and dead-lettered) — in a cluster the copy another node receives has a payload
 * buffer of its own, so authorizeForward's check by buffer would not hold there.
 */
export function forwardOnlyToSubscribers(aedes: Aedes, index = new SubscriptionIndex(), refused: (payload: Buffer) => boolean = () => false): SubscriptionIndex {
  aedes.on('subscribe', (subscriptions, client: Client) => {
    // 128: the subscription was refused, so aedes holds no such filter.
    index.subscribed(client.id, subscriptions.filter((subscription) => (subscription.qos as number) !== 128).map((subscription) => subscription.topic));
  });
  aedes.on('unsubscribe', (filters, client: Client) => index.unsubscribed(client.id, filters));

  const publish = aedes.publish.bind(aedes) as (...args: unknown[]) => void;
  (aedes as { publish: unknown }).publish = (packet: PublishArgs[0], client: unknown, done?: PublishArgs[1]) => {
    // publish(packet, done) is aedes' own form for a message of no client (a will, the service's own).
    const settle = typeof client === 'function' ? (client as PublishArgs[1]) : done;
    const fromClient = typeof client === 'object' && client !== null;
    const skip = typeof settle === 'function' && !packet.retain && !packet.topic.startsWith('$') && (refused(packet.payload as Buffer) || (fromClient && !index.mayHaveSubscriber(packet.topic)));
    if (skip) {
      settle();
      return;
    }
    publish(packet, client, done);
  };
  return index;
}
