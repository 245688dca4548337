/**
 * The credential a device presents on an HTTP POST, read from its Authorization header into what the MQTT access
 * policy takes at CONNECT (username, password): the same secret the device uses as its MQTT password.
 * - `Basic base64(id:secret)` (RFC 7617): username and secret as sent; the secret is everything after the first colon.
 * - `Bearer <secret>` (RFC 6750): the username is the device id of the path, as a device's MQTT username is its id.
 * - none: no username and no password — refused, unless quarantine mode lets an unknown device in (as over MQTT).
 * Pure: no I/O, so every odd header is unit-tested.
 */
export interface DeviceCredential {
  readonly username: string | undefined;
  readonly password: Buffer | undefined;
}

export interface MalformedCredential {
  readonly malformed: string;
}

/** Longest Authorization header read: a device secret is 43 characters, an id 64; anything far longer is not one. */
const MAX_AUTHORIZATION_LENGTH = 1024;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export function readDeviceCredential(authorization: string | undefined, pathDeviceId: string): DeviceCredential | MalformedCredential {
  if (authorization === undefined || authorization.trim() === '') return { username: undefined, password: undefined };
  if (authorization.length > MAX_AUTHORIZATION_LENGTH) return { malformed: `the Authorization header is longer than ${MAX_AUTHORIZATION_LENGTH} characters` };
  const match = /^\s*(\S+)\s+(\S+)\s*$/.exec(authorization);
  if (match === null) return { malformed: 'the Authorization header is not "<scheme> <credentials>"' };
  const [, scheme, value] = match;
  // Schemes are case-insensitive [RFC 9110 §11.1].
  switch (scheme.toLowerCase()) {
    case 'bearer':
      return { username: pathDeviceId, password: Buffer.from(value, 'utf8') };
    case 'basic': {
      if (value.length % 4 !== 0 || !BASE64.test(value)) return { malformed: 'the Basic credentials are not base64' };
      const decoded = Buffer.from(value, 'base64');
      const colon = decoded.indexOf(0x3a);
      if (colon < 0) return { malformed: 'the Basic credentials are not "<device id>:<secret>"' };
      return { username: decoded.subarray(0, colon).toString('utf8'), password: decoded.subarray(colon + 1) };
    }
    default:
      return { malformed: `the Authorization scheme is neither Basic nor Bearer` };
  }
}

export function isMalformedCredential(credential: DeviceCredential | MalformedCredential): credential is MalformedCredential {
  return 'malformed' in credential;
}
