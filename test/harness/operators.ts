import { HubProcess } from './hub-process';

/** Operators, sessions and API keys of a running hub, for integration tests. */
export interface Answer<T> {
  readonly status: number;
  readonly body: T;
  readonly headers: Headers;
}

/** Any API request with the given headers (a session cookie, an API key or nothing) and a JSON body. */
export async function send<T = unknown>(hub: HubProcess, method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<Answer<T>> {
  const response = await fetch(`${hub.httpUrl}${path}`, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = undefined;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
  }
  return { status: response.status, body: parsed as T, headers: response.headers };
}

export interface OperatorSpec {
  readonly username: string;
  readonly password: string;
  readonly role: 'viewer' | 'operator' | 'admin';
  readonly towns?: string[];
  readonly domains?: string[];
}

/** Creates an operator as the bootstrap admin; fails the test with the hub's answer when refused. */
export async function createOperator(hub: HubProcess, operator: OperatorSpec): Promise<void> {
  const answer = await hub.request('POST', '/api/operators', operator);
  if (answer.status !== 201) throw new Error(`operator ${operator.username} refused (${answer.status}): ${JSON.stringify(answer.body)}`);
}

/** A logged-in browser's headers: the session cookie (and the JSON body type every change needs). */
export interface Session {
  readonly cookie: string;
  readonly setCookie: string;
  readonly headers: Record<string, string>;
}

export async function login(hub: HubProcess, username: string, password: string): Promise<Session> {
  const answer = await send(hub, 'POST', '/api/auth/login', {}, { username, password });
  const setCookie = answer.headers.get('set-cookie') ?? '';
  if (answer.status !== 200 || !setCookie.startsWith('hub_session=')) throw new Error(`login of ${username} failed (${answer.status}): ${JSON.stringify(answer.body)}`);
  const cookie = setCookie.split(';')[0];
  return { cookie, setCookie, headers: { cookie } };
}

/** Issues an API key as the bootstrap admin; returns the key itself and its id. */
export async function createApiKey(hub: HubProcess, spec: { name: string; role: string; towns?: string[]; domains?: string[] }): Promise<{ key: string; id: number }> {
  const answer = await hub.request<{ key: string; apiKey: { id: number } }>('POST', '/api/api-keys', spec);
  if (answer.status !== 201) throw new Error(`API key ${spec.name} refused (${answer.status}): ${JSON.stringify(answer.body)}`);
  return { key: answer.body.key, id: answer.body.apiKey.id };
}

export function bearer(key: string): Record<string, string> {
  return { authorization: `Bearer ${key}` };
}
