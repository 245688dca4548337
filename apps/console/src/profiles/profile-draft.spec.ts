import type { DeviceProfileView } from '@hub/api-types';
import { useLanguageForTests } from '../i18n/i18n.testing';
import { decodesAsSaved, draftOf, emptyDraft, profileBody, problemsUnder, tryRequest } from './profile-draft';

beforeEach(() => useLanguageForTests('en'));

const SAVED: DeviceProfileView = {
  id: 'acme-wm11',
  name: 'ACME water meter',
  description: '',
  domain: 'water',
  decoder: { kind: 'script', source: 'function decodeUplink(input) { return { data: {} }; }', payload: 'hex' },
  networkServerObject: false,
  samples: [{ name: 'normal', payload: '0102', encoding: 'hex', fPort: 2 }],
  version: 3,
  createdAt: 0,
  createdBy: 'admin',
  updatedAt: 0,
  updatedBy: 'admin',
  devices: 0,
  decoderStats: { decoded: 0, refused: 0, meanMicros: null },
};

describe('profile draft', () => {
  it('turns a saved profile into a draft and back into the same body', () => {
    const draft = draftOf(SAVED);
    expect([draft.kind, draft.payload, draft.samples]).toEqual(['script', 'hex', [{ name: 'normal', payload: '0102', encoding: 'hex', fPort: '2' }]]);
    expect(profileBody(draft, false)).toEqual({
      body: { name: 'ACME water meter', description: '', domain: 'water', decoder: SAVED.decoder, networkServerObject: false, samples: SAVED.samples },
    });
  });

  it('sends a mapping as its JSON with the kind, and names a JSON mistake as the decoder field', () => {
    const draft = { ...emptyDraft('water'), id: ' rtu-p ', name: 'RTU', mapping: '{"metrics": {"pressure_kpa": {"expr": "P1", "scale": 0.1}}}' };
    expect(profileBody(draft, true)).toEqual({
      body: {
        id: 'rtu-p',
        name: 'RTU',
        description: '',
        domain: 'water',
        decoder: { kind: 'mapping', metrics: { pressure_kpa: { expr: 'P1', scale: 0.1 } } },
        networkServerObject: false,
        samples: [],
      },
    });
    const broken = profileBody({ ...draft, mapping: '{"metrics": ' }, true);
    expect('problems' in broken && Object.keys(broken.problems)).toEqual(['decoder']);
    expect(profileBody({ ...draft, mapping: '[1]' }, true)).toEqual({ problems: { decoder: 'must be a JSON object: { "metrics": { "name": { "expr": … } }, … }' } });
    useLanguageForTests('zh-CN');
    expect(profileBody({ ...draft, mapping: '[1]' }, true)).toEqual({ problems: { decoder: '必须是 JSON 对象：{ "metrics": { "name": { "expr": … } }, … }' } });
  });

  it('tries the saved profile while the draft decodes as it does, the draft as soon as decoder or domain change', () => {
    const draft = draftOf(SAVED);
    const input = { payload: '0102', encoding: 'hex' as const, fPort: '2' };
    expect(decodesAsSaved(draft, SAVED)).toBe(true);
    // A new name or sample does not change what decodes.
    expect(tryRequest({ ...draft, name: 'renamed', samples: [] }, SAVED, input)).toEqual({ kind: 'saved', id: 'acme-wm11', body: { payload: '0102', encoding: 'hex', fPort: 2 } });
    expect(tryRequest({ ...draft, payload: 'base64' }, SAVED, input)).toEqual({
      kind: 'draft',
      body: { domain: 'water', decoder: { kind: 'script', source: SAVED.decoder.source, payload: 'base64' }, payload: '0102', encoding: 'hex', fPort: 2 },
    });
    expect(tryRequest({ ...draft, domain: 'gas' }, SAVED, input)).toMatchObject({ kind: 'draft', body: { domain: 'gas' } });
    expect(tryRequest(draft, undefined, { ...input, fPort: '' })).toEqual({ kind: 'draft', body: { domain: 'water', decoder: SAVED.decoder, payload: '0102', encoding: 'hex' } });
  });

  it('compares mappings by content, not key order, and a script without payload as bytes', () => {
    const mapping: DeviceProfileView = { ...SAVED, decoder: { kind: 'mapping', metrics: { pressure_kpa: { expr: 'P1', scale: 0.1 } }, seq: 'N' } };
    const reordered = { ...draftOf(mapping), mapping: '{"seq": "N", "metrics": {"pressure_kpa": {"scale": 0.1, "expr": "P1"}}}' };
    expect(decodesAsSaved(reordered, mapping)).toBe(true);
    expect(decodesAsSaved({ ...reordered, mapping: '{"seq": "N", "metrics": {"pressure_kpa": {"scale": 1, "expr": "P1"}}}' }, mapping)).toBe(false);
    const bytes: DeviceProfileView = { ...SAVED, decoder: { kind: 'script', source: 'x', payload: 'bytes' } };
    expect(decodesAsSaved(draftOf(bytes), bytes)).toBe(true);
  });

  it('gathers the hub’s field errors under a prefix', () => {
    const fields = { 'decoder.metrics.pressure_kpa.expr': 'JSONata S0203 at position 3: …', decoder: 'must be an object', decoderish: 'no', 'samples[1].payload': 'is required' };
    expect(problemsUnder(fields, 'decoder')).toEqual(['metrics.pressure_kpa.expr: JSONata S0203 at position 3: …', 'must be an object']);
    expect(problemsUnder(fields, 'samples[1]')).toEqual(['payload: is required']);
  });
});
