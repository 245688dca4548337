import type { Client } from 'aedes';
import { EventEmitter } from 'node:events';
import type { MqttAccessPolicy, MqttPrincipal } from '@hub/access';
import type { HubLogger } from '@hub/common';
import { MqttPerimeter } from '@hub/perimeter';
import { ClusterClients } from './cluster-clients';
import { AUTHORIZED_WILL, MqttAccessHooks } from './mqtt-access.hooks';

const logged: unknown[] = [];
const logger = { log: () => undefined, warn: (entry: unknown) => logged.push(entry), error: () => undefined, debug: () => undefined } as unknown as HubLogger;

/** Device w-1 may publish on its own topics only. */
const policy: MqttAccessPolicy = {
  authenticate: ({ clientId }: { clientId: string }) => ({ kind: 'device', deviceId: clientId, domain: 'water', town: null, site: null }),
  publishRefusal: (principal: MqttPrincipal, topic: string) =>
    principal.kind === 'device' && topic.startsWith(`sensors/water/${principal.deviceId}/`) ? null : { reason: 'TOPIC_FORBIDDEN', detail: 'not its topic' },
  subscriptionRefusal: () => null,
  mayReceive: () => true,
} as unknown as MqttAccessPolicy;

function connecting(id: string, willTopic: string | null): Client & { _will: Record<string, unknown> | null } {
  return { id, conn: new EventEmitter(), _will: willTopic === null ? null : { topic: willTopic, payload: Buffer.from('offline'), qos: 1, retain: true } } as unknown as Client & {
    _will: Record<string, unknown> | null;
  };
}

function hooks(): MqttAccessHooks {
  return new MqttAccessHooks(policy, new MqttPerimeter<Client>({ publishRate: null, connectRate: null, loginBackoff: null }, logger), logger);
}

describe('wills of clients whose node died (published with no client)', () => {
  it('marks at CONNECT a will on the client’s own topic, and accepts it later without the client', () => {
    const access = hooks();
    const own = connecting('w-1', 'sensors/water/w-1/status');
    const foreign = connecting('w-1', 'sensors/water/w-2/status');
    access.authenticate(own, 'w-1', Buffer.from('secret'), () => undefined);
    access.authenticate(foreign, 'w-1', Buffer.from('secret'), () => undefined);
    expect([own._will?.[AUTHORIZED_WILL], foreign._will?.[AUTHORIZED_WILL]]).toEqual([true, undefined]);
    // As the shared persistence hands it back: the client id and the broker id added.
    expect(access.departedWillRefusal({ ...(own._will as { topic: string }), clientId: 'w-1', brokerId: 'node-a' })).toBeNull();
    expect(access.departedWillRefusal({ ...(foreign._will as { topic: string }), clientId: 'w-1', brokerId: 'node-a' })?.reason).toBe('TOPIC_FORBIDDEN');
  });

  it('refuses any other publish without a client: unmarked, marked otherwise than true, or without a client id', () => {
    const access = hooks();
    expect(access.departedWillRefusal({ topic: 'sensors/water/w-1/status', clientId: 'w-1' })?.reason).toBe('TOPIC_FORBIDDEN');
    expect(access.departedWillRefusal({ topic: 'sensors/water/w-1/status', clientId: 'w-1', [AUTHORIZED_WILL]: 'true' })?.reason).toBe('TOPIC_FORBIDDEN');
    expect(access.departedWillRefusal({ topic: 'sensors/water/w-1/status', [AUTHORIZED_WILL]: true })?.reason).toBe('TOPIC_FORBIDDEN');
  });

  it('knows a will is stale once its client connected to another broker, and not after that connection ended', () => {
    const clients = new ClusterClients();
    clients.connected('node-a', 'w-1');
    expect(clients.connectedElsewhere('w-1', 'node-a')).toBe(false);
    clients.connected('node-b', 'w-1');
    // The older connection's end, announced after the takeover, does not erase the newer one.
    clients.disconnected('node-a', 'w-1');
    expect([clients.connectedElsewhere('w-1', 'node-a'), clients.connectedElsewhere('w-1', 'node-b')]).toEqual([true, false]);
    clients.disconnected('node-b', 'w-1');
    expect([clients.connectedElsewhere('w-1', 'node-a'), clients.size]).toEqual([false, 0]);
  });
});
