/// <reference types="jest" />
// A test suite shipped for the implementations in other libs to run; the build compiles it, so it names its types.
import { isLoginRefusal, MqttAccessPolicy, MqttLoginAttempt, MqttLoginRefusal, MqttPrincipal, MqttPublishRefusal } from '../mqtt-access';

/** What a refusal says besides its CONNACK code: the counter's reason (optional in the port) and the log text. */
export type RefusalText = Omit<MqttLoginRefusal, 'refused'>;

/** One client the policy admits, and exactly what it must answer about it. */
export interface AdmittedClient {
  readonly label: string;
  readonly attempt: MqttLoginAttempt;
  readonly principal: MqttPrincipal;
  /** The refusal of the same username with another secret, or none, or an empty or non-UTF-8 one. */
  readonly wrongSecret: RefusalText;
  /** A client id that is not this client's own (it would take over another session), and its refusal. */
  readonly foreignClientId: { readonly clientId: string; readonly refusal: RefusalText };
  /** Topics it may publish on (an integration client: none). */
  readonly publishes: readonly string[];
  /** Topics outside what it may publish on, and the refusal (its reason is always TOPIC_FORBIDDEN). */
  readonly forbiddenPublishes: ReadonlyArray<readonly [topic: string, refusal: Omit<MqttPublishRefusal, 'reason'>]>;
  readonly subscriptions: readonly string[];
  readonly forbiddenSubscriptions: ReadonlyArray<readonly [filter: string, refusal: string]>;
  readonly receives: readonly string[];
  readonly doesNotReceive: readonly string[];
}

export interface MqttAccessPolicyHarness {
  readonly policy: MqttAccessPolicy;
  readonly clients: readonly AdmittedClient[];
  /** Usernames it knows nothing of (each with its own client id), and their refusal texts. */
  readonly unknownUsernames: ReadonlyArray<readonly [username: string, refusal: RefusalText]>;
  /** A principal this policy, as configured, never admits (another policy's kind): it may do nothing. */
  readonly foreignPrincipal: MqttPrincipal;
  /** Closes what the builder opened. */
  cleanup(): void;
}

/** Clients send anything: a log line or a dead letter must not carry megabytes of it. */
const MAX_DETAIL_CHARS = 300;

const NON_UTF8 = Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0x00, 0x80]);
const ODD_PASSWORDS: ReadonlyArray<readonly [string, Buffer | undefined]> = [
  ['no password', undefined],
  ['an empty password', Buffer.alloc(0)],
  ['a non-UTF-8 password', NON_UTF8],
  ['a 64 KiB password', Buffer.alloc(65_536, 0x61)],
];
const ODD_USERNAMES: ReadonlyArray<readonly [string, string]> = [
  ['an empty username', ''],
  ['a 100 000-character username', 'd'.repeat(100_000)],
  ['a 100 000-character dotted username', `county.${'d'.repeat(100_000)}`],
  ['a username with a NUL', 'w-1\u0000'],
  ['a dotted username with a NUL', 'water.scada\u0000'],
  ['a username with a lone surrogate', 'w-\ud800'],
  ['a username of MQTT wildcards', '#/+'],
];
const ODD_TOPICS: readonly string[] = ['', '#', '+/+/+/+', '/', 'sensors/water//telemetry', `sensors/water/${'x'.repeat(100_000)}/telemetry`, 'sensors/\u0000/w-1/telemetry', 'sensors/water/w-\ud800/telemetry'];

/**
 * What every MqttAccessPolicy must do (MQTT.js's abstractStoreTest pattern): run it from one spec per implementation
 * with a builder. What legitimately differs (texts, counter reasons, what a principal may touch) is the harness's data;
 * the CONNACK codes, the publish refusal reason and "never throw on what a client sends" are the same for all.
 */
export function describeMqttAccessPolicyContract(name: string, build: () => MqttAccessPolicyHarness): void {
  describe(`${name}: MqttAccessPolicy contract`, () => {
    const harness = build();
    const { policy } = harness;
    afterAll(() => harness.cleanup());

    describe.each(harness.clients.map((client) => [client.label, client] as const))('%s', (_label, client) => {
      const withPassword = (password: Buffer | undefined): MqttLoginAttempt => ({ ...client.attempt, password });

      it('admits the valid login, returning exactly its principal', () => {
        expect(policy.authenticate(client.attempt)).toEqual(client.principal);
      });

      it('answers the same login the same way each time', () => {
        expect(policy.authenticate(client.attempt)).toEqual(policy.authenticate(client.attempt));
      });

      it('refuses a wrong secret as bad-username-or-password', () => {
        const wrong = Buffer.concat([client.attempt.password ?? Buffer.alloc(0), Buffer.from('x')]);
        expect(policy.authenticate(withPassword(wrong))).toEqual({ refused: 'bad-username-or-password', ...client.wrongSecret });
      });

      it.each(ODD_PASSWORDS)('refuses %s as a wrong secret, without throwing', (_case, password) => {
        expect(policy.authenticate(withPassword(password))).toEqual({ refused: 'bad-username-or-password', ...client.wrongSecret });
      });

      it("refuses a client id that is not its own as identifier-rejected [MQTT-3.2.2-3], even with the right secret", () => {
        expect(policy.authenticate({ ...client.attempt, clientId: client.foreignClientId.clientId })).toEqual({
          refused: 'identifier-rejected',
          ...client.foreignClientId.refusal,
        });
      });

      it('lets it publish only where it may; elsewhere refuses with TOPIC_FORBIDDEN and says why', () => {
        for (const topic of client.publishes) expect(policy.publishRefusal(client.principal, topic)).toBeNull();
        for (const [topic, refusal] of client.forbiddenPublishes) {
          expect(policy.publishRefusal(client.principal, topic)).toEqual({ reason: 'TOPIC_FORBIDDEN', ...refusal });
        }
      });

      it('lets it subscribe only where it may; elsewhere says why', () => {
        for (const filter of client.subscriptions) expect(policy.subscriptionRefusal(client.principal, filter)).toBeNull();
        for (const [filter, refusal] of client.forbiddenSubscriptions) expect(policy.subscriptionRefusal(client.principal, filter)).toBe(refusal);
      });

      it('delivers to it only what it may receive', () => {
        for (const topic of client.receives) expect([topic, policy.mayReceive(client.principal, topic)]).toEqual([topic, true]);
        for (const topic of client.doesNotReceive) expect([topic, policy.mayReceive(client.principal, topic)]).toEqual([topic, false]);
      });

      it.each(ODD_TOPICS.map((topic) => [topic.length > 40 ? `${topic.slice(0, 40)}…` : topic, topic]))(
        'refuses publish to and delivery of the odd topic %j with a short reason, and does not throw on it as a filter',
        (_shown, topic) => {
          const published = policy.publishRefusal(client.principal, topic);
          expect(published).toMatchObject({ reason: 'TOPIC_FORBIDDEN', detail: expect.any(String) });
          expect(published?.detail.length).toBeLessThanOrEqual(MAX_DETAIL_CHARS);
          expect(policy.mayReceive(client.principal, topic)).toBe(false);
          // A filter may be allowed when it can only match readable topics (an integration client's `sensors/water//x`
          // matches nothing); delivery is what keeps data in scope, checked above.
          expect((policy.subscriptionRefusal(client.principal, topic) ?? '').length).toBeLessThanOrEqual(MAX_DETAIL_CHARS);
        },
      );
    });

    it.each(harness.unknownUsernames)('refuses the unknown username %j as bad-username-or-password', (username, refusal) => {
      const password = harness.clients[0].attempt.password;
      expect(policy.authenticate({ clientId: username, username, password, remoteAddress: '10.0.0.9' })).toEqual({ refused: 'bad-username-or-password', ...refusal });
    });

    it.each(ODD_USERNAMES)('refuses %s as bad-username-or-password with a short detail, without throwing', (_case, username) => {
      for (const password of [undefined, Buffer.alloc(0), NON_UTF8, harness.clients[0].attempt.password]) {
        const result = policy.authenticate({ clientId: username, username, password, remoteAddress: undefined });
        expect(isLoginRefusal(result) && result.refused).toBe('bad-username-or-password');
        expect((result as MqttLoginRefusal).detail.length).toBeLessThanOrEqual(MAX_DETAIL_CHARS);
      }
    });

    it('lets a principal of a kind it never admits do nothing: no publish, no subscription, no delivery', () => {
      const topics = harness.clients.flatMap((client) => [...client.publishes, ...client.subscriptions, ...client.receives]);
      expect(topics.length).toBeGreaterThan(0);
      for (const topic of topics) {
        expect(policy.publishRefusal(harness.foreignPrincipal, topic)).toMatchObject({ reason: 'TOPIC_FORBIDDEN' });
        expect(typeof policy.subscriptionRefusal(harness.foreignPrincipal, topic)).toBe('string');
        expect(policy.mayReceive(harness.foreignPrincipal, topic)).toBe(false);
      }
    });
  });
}
