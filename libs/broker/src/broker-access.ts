import type { MqttLoginAttempt, MqttLoginRefusal, MqttPrincipal } from '../../access/src/mqtt-access';

/**
 * The access decisions the broker asks for (the shape of MqttAccessPolicy, see libs/access). `authenticate` may
 * answer null: no policy claims the login, and the connection stays as open as before the device registry (no
 * principal, nothing checked).
 */
export interface BrokerAccess {
  authenticate(attempt: MqttLoginAttempt): MqttPrincipal | MqttLoginRefusal | null;
  publishRefusal(principal: MqttPrincipal, topic: string): string | null;
  subscriptionRefusal(principal: MqttPrincipal, filter: string): string | null;
  mayReceive(principal: MqttPrincipal, topic: string): boolean;
}
