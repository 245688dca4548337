import { InvalidInputError } from '@hub/common';
import { MetricCatalogue } from '@hub/contract';
import { readNewProfile, readProfilePatch } from './profile-input';

const issuesOf = (read: () => unknown) => {
  try {
    read();
  } catch (error) {
    if (error instanceof InvalidInputError) return error.issues;
    throw error;
  }
  throw new Error('accepted');
};

describe('device profile input', () => {
  const catalogue = MetricCatalogue.BUILT_IN;

  it('reads a new profile with defaults for what it leaves out', () => {
    expect(readNewProfile({ id: 'acme-rtu', name: ' ACME RTU ', domain: 'water', decoder: { kind: 'mapping', metrics: {} } }, catalogue)).toEqual({
      id: 'acme-rtu',
      name: 'ACME RTU',
      description: '',
      domain: 'water',
      decoder: { kind: 'mapping', metrics: {} },
      networkServerObject: false,
      samples: [],
    });
  });

  it('names every problem of a new profile at once', () => {
    expect(
      issuesOf(() =>
        readNewProfile({ id: 'ACME', name: '', domain: 'sewage', decoder: { kind: 'lua' }, samples: [{ name: 'x', payload: '', encoding: 'rot13', fPort: 300 }], extra: 1 }, catalogue),
      ),
    ).toEqual([
      { field: 'extra', problem: 'is not a known field; allowed: id, name, description, domain, decoder, networkServerObject, samples', code: 'unknown-field', params: { allowed: 'id, name, description, domain, decoder, networkServerObject, samples' } },
      { field: 'id', problem: 'must match the form of acme-wm11: lower-case letters, digits and dashes (1–40)', code: 'pattern' },
      { field: 'name', problem: 'must be a non-empty string of at most 80 characters, got ""', code: 'text', params: { maxLength: 80, got: '""' } },
      { field: 'domain', problem: 'must be one of water, power, gas, heat, traffic, got "sewage"', code: 'one-of', params: { allowed: 'water, power, gas, heat, traffic', got: '"sewage"' } },
      { field: 'decoder', problem: 'must be an object with "kind": "mapping" (JSONata paths to metrics) or "script" (a decodeUplink codec)' },
      { field: 'samples[0].payload', problem: 'is required: the payload as text, or its bytes as hex or base64 (say which in "encoding")', code: 'required' },
      { field: 'samples[0].encoding', problem: 'must be one of text, hex, base64, got "rot13"', code: 'one-of', params: { allowed: 'text, hex, base64', got: '"rot13"' } },
      { field: 'samples[0].fPort', problem: 'must be a whole number from 0 to 255, got 300', code: 'number', params: { integer: 1, min: 0, max: 255, got: '300' } },
    ]);
  });

  it('takes a change of any field but the id, and refuses an empty one', () => {
    expect(readProfilePatch({ name: 'New', networkServerObject: true }, catalogue)).toEqual({ name: 'New', networkServerObject: true });
    expect(issuesOf(() => readProfilePatch({ id: 'x' }, catalogue))).toEqual([{ field: 'id', problem: 'is not a known field; allowed: name, description, domain, decoder, networkServerObject, samples', code: 'unknown-field', params: { allowed: 'name, description, domain, decoder, networkServerObject, samples' } }]);
    expect(issuesOf(() => readProfilePatch({}, catalogue))).toEqual([{ field: 'body', problem: 'names nothing to change; allowed: name, description, domain, decoder, networkServerObject, samples' }]);
  });
});
