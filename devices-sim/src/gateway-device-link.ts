import { statusTopic, type Domain } from '@hub/contract';
import { DeviceLink, DeviceLinkFactory, DeviceLinkOptions } from './device-link';

/** A simulated gateway: its id, its own domain (for its status topic) and the devices it publishes for. */
export interface GatewayPlan {
  readonly deviceId: string;
  readonly domain: Domain;
  readonly gatewayDomains: readonly Domain[];
  readonly children: readonly string[];
}

interface SharedLink {
  readonly link: Promise<DeviceLink>;
  users: number;
}

/**
 * Puts each gateway's children on one MQTT connection, as a DTU polling its meters does: the first child to connect
 * opens its gateway's connection (the gateway's id and secret, the gateway's own retained `offline` as will, `online`
 * once connected); every child then publishes on its own topics over it. The connection closes when the last child
 * closes. Dropping one child's link drops the gateway's connection (a DTU loses its 4G link for all its meters).
 * A child that obeys commands subscribes to its own commands and config over that connection and replies and
 * reports its config on its own topics, as a DTU relays a set-interval to the meter it polls.
 */
export function gatewayDeviceLinks(base: DeviceLinkFactory, gateways: readonly GatewayPlan[], credentials: ReadonlyMap<string, string> | undefined): DeviceLinkFactory {
  const gatewayOf = new Map<string, GatewayPlan>();
  for (const gateway of gateways) for (const child of gateway.children) gatewayOf.set(child, gateway);
  const shared = new Map<string, SharedLink>();

  const open = (gateway: GatewayPlan, child: DeviceLinkOptions): Promise<DeviceLink> => {
    const status = statusTopic(gateway.domain, gateway.deviceId);
    const secret = credentials?.get(gateway.deviceId);
    return base({
      ...child,
      clientId: gateway.deviceId,
      username: secret === undefined ? undefined : gateway.deviceId,
      password: secret,
      will: { topic: status, payload: 'offline', qos: 1, retain: true },
    }).then((link) => {
      link.publish(status, 'online', { qos: 1, retain: true }, () => undefined);
      return link;
    });
  };

  return async (options: DeviceLinkOptions): Promise<DeviceLink> => {
    const gateway = gatewayOf.get(options.clientId);
    if (gateway === undefined) return base(options);
    let entry = shared.get(gateway.deviceId);
    if (entry === undefined) shared.set(gateway.deviceId, (entry = { link: open(gateway, options), users: 0 }));
    const link = await entry.link;
    entry.users++;
    const current = entry;
    let closed = false;
    return {
      publish: (topic, payload, publishOptions, done) => link.publish(topic, payload, publishOptions, done),
      // A child that obeys commands subscribes to its own commands and config topics over the gateway's connection
      // (the hub lets a gateway subscribe to its children's), and hears only those.
      ...(link.subscribe === undefined ? {} : { subscribe: link.subscribe.bind(link) }),
      close: async (timeoutMs) => {
        if (closed) return;
        closed = true;
        if (--current.users > 0) return;
        shared.delete(gateway.deviceId);
        link.publish(statusTopic(gateway.domain, gateway.deviceId), 'offline', { qos: 1, retain: true }, () => undefined);
        await link.close(timeoutMs);
      },
      drop: () => {
        closed = true;
        shared.delete(gateway.deviceId);
        link.drop();
      },
    };
  };
}
