import { MetricCatalogue } from '@hub/contract';
import { AuditLogRepository, openSqliteDatabase } from '@hub/store';
import { IntegrationClientRepository } from './integration-client.repository';
import { IntegrationClientsActor, IntegrationClientsService } from './integration-clients.service';
import { secretMatches } from './integration-secret';

const county = (name: string): IntegrationClientsActor => ({ name, scope: { towns: [], domains: [] } });

describe('IntegrationClientsService', () => {
  let repository: IntegrationClientRepository;
  let audit: AuditLogRepository;
  let disconnected: string[];
  let service: IntegrationClientsService;
  let now: number;

  beforeEach(() => {
    const db = openSqliteDatabase(':memory:');
    repository = new IntegrationClientRepository(db);
    audit = new AuditLogRepository(db);
    disconnected = [];
    now = Date.UTC(2026, 0, 15, 12);
    service = new IntegrationClientsService(repository, audit, MetricCatalogue.BUILT_IN, { disconnect: (name) => (disconnected.push(name), 1) }, () => now);
  });

  it('creates a client with a secret shown once and stored only as its hash, and records who did it', () => {
    const { client, secret } = service.create({ name: 'water.scada', domains: ['water'], description: 'SCADA historian' }, county('alice'));
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(client).toEqual({
      name: 'water.scada',
      domains: ['water'],
      towns: [],
      description: 'SCADA historian',
      active: true,
      createdAt: '2026-01-15T12:00:00.000Z',
      createdBy: 'alice',
      updatedAt: '2026-01-15T12:00:00.000Z',
      secretIssuedAt: '2026-01-15T12:00:00.000Z',
      revokedAt: null,
    });
    const stored = repository.find('water.scada');
    expect(stored?.secretHash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored?.secretHash).not.toContain(secret);
    expect(secretMatches(Buffer.from(secret), stored?.secretHash ?? '')).toBe(true);
    const [entry] = audit.list({ limit: 10 });
    expect(entry).toMatchObject({ actor: 'alice', action: 'mqtt-client.create', targetType: 'mqtt-client', targetId: 'water.scada', detail: { domains: ['water'], towns: [], description: 'SCADA historian' } });
    expect(JSON.stringify(entry)).not.toContain(secret);
    expect(service.list(county('alice')).map((view) => view.name)).toEqual(['water.scada']);
  });

  it('refuses a taken name (409) and bad input with every problem named (400)', () => {
    service.create({ name: 'water.scada' }, county('alice'));
    expect(() => service.create({ name: 'water.scada' }, county('alice'))).toThrow(expect.objectContaining({ kind: 'conflict' }));
    let error: unknown;
    try {
      service.create({ name: 'scada', domains: ['water', 'oil'], towns: [''], secret: 'x' }, county('alice'));
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({
      kind: 'invalid',
      issues: [
        { field: 'secret', problem: 'is not a known field; allowed: name, domains, towns, description' },
        { field: 'name', problem: 'must match lower-case words of a-z, 0-9, _ and - joined by dots, 3–64 characters, e.g. water.scada' },
        { field: 'domains[1]', problem: 'must be one of water, power, gas, heat, traffic, got "oil"' },
        { field: 'towns[0]', problem: 'must be a town ("Ashford") or a village of a town ("Ashford/Millbrook"), each name of 1–100 characters without "/", control or invisible formatting characters, got ""' },
      ],
    });
    expect(() => service.get('gas.scada', county('alice'))).toThrow(expect.objectContaining({ kind: 'not-found' }));
  });

  it('rotates a secret: the old one stops matching and the client is disconnected', () => {
    const { secret: first } = service.create({ name: 'water.scada' }, county('alice'));
    now += 60_000;
    const { secret: second, client } = service.rotateSecret('water.scada', county('bob'));
    expect(second).not.toBe(first);
    const hash = repository.find('water.scada')?.secretHash ?? '';
    expect([secretMatches(Buffer.from(first), hash), secretMatches(Buffer.from(second), hash)]).toEqual([false, true]);
    expect(client.secretIssuedAt).toBe('2026-01-15T12:01:00.000Z');
    expect(disconnected).toEqual(['water.scada']);
    expect(audit.list({ limit: 1 })[0]).toMatchObject({ actor: 'bob', action: 'mqtt-client.secret.rotate', detail: { reinstated: false, disconnected: 1 } });
  });

  it('revokes a secret once, disconnecting the client; a new secret reinstates it', () => {
    service.create({ name: 'water.scada' }, county('alice'));
    const revoked = service.revokeSecret('water.scada', county('bob'));
    expect(revoked).toMatchObject({ active: false, secretIssuedAt: null, revokedAt: '2026-01-15T12:00:00.000Z' });
    expect(repository.find('water.scada')?.secretHash).toBeNull();
    expect(service.revokeSecret('water.scada', county('bob'))).toEqual(revoked);
    expect(disconnected).toEqual(['water.scada']);
    expect(audit.list({ limit: 10 }).map((entry) => entry.action)).toEqual(['mqtt-client.secret.revoke', 'mqtt-client.create']);
    const { client } = service.rotateSecret('water.scada', county('carol'));
    expect(client).toMatchObject({ active: true, revokedAt: null });
    expect(audit.list({ limit: 1 })[0].detail).toEqual({ reinstated: true, disconnected: 1 });
  });

  it('changes the scope (disconnecting the client) or only the description (not disconnecting it)', () => {
    service.create({ name: 'county.gis', description: 'GIS' }, county('alice'));
    expect(service.update('county.gis', { description: 'GIS export' }, county('bob'))).toMatchObject({ description: 'GIS export', domains: [], towns: [] });
    expect(disconnected).toEqual([]);
    expect(service.update('county.gis', { towns: ['Ashford'] }, county('bob'))).toMatchObject({ description: 'GIS export', domains: [], towns: ['Ashford'] });
    expect(disconnected).toEqual(['county.gis']);
    expect(audit.list({ limit: 1 })[0]).toMatchObject({
      action: 'mqtt-client.update',
      detail: { before: { towns: [] }, after: { towns: ['Ashford'] }, disconnected: 1 },
    });
    expect(() => service.update('county.gis', {}, county('bob'))).toThrow(expect.objectContaining({ kind: 'invalid', issues: [{ field: 'domains', problem: 'or towns or description is required: what to change' }] }));
  });

  it('keeps a scoped admin to clients inside their scope: no wider client made, seen, widened, rotated or revoked', () => {
    const ashford: IntegrationClientsActor = { name: 'ash-admin', scope: { towns: ['Ashford'], domains: [] } };
    service.create({ name: 'county.gis' }, county('alice'));
    const forbidden = expect.objectContaining({ kind: 'forbidden' });
    expect(() => service.create({ name: 'ashford.all' }, ashford)).toThrow(forbidden);
    expect(() => service.create({ name: 'ashford.brook', towns: ['Ashford', 'Brook'] }, ashford)).toThrow(forbidden);
    expect(() => service.rotateSecret('county.gis', ashford)).toThrow(forbidden);
    expect(() => service.revokeSecret('county.gis', ashford)).toThrow(forbidden);
    expect(() => service.update('county.gis', { description: 'mine now' }, ashford)).toThrow(forbidden);
    expect(() => service.get('county.gis', ashford)).toThrow(forbidden);
    expect(repository.find('county.gis')?.client).toMatchObject({ description: '', revokedAt: null, scope: { towns: [], domains: [] } });

    const { client } = service.create({ name: 'ashford.ops', towns: ['Ashford'] }, ashford);
    expect(client).toMatchObject({ name: 'ashford.ops', towns: ['Ashford'], createdBy: 'ash-admin' });
    expect(() => service.update('ashford.ops', { towns: ['Ashford', 'Brook'] }, ashford)).toThrow(forbidden);
    expect(service.update('ashford.ops', { domains: ['water'] }, ashford)).toMatchObject({ towns: ['Ashford'], domains: ['water'] });
    expect(service.list(ashford).map((view) => view.name)).toEqual(['ashford.ops']);
    expect(service.list(county('alice')).map((view) => view.name)).toEqual(['ashford.ops', 'county.gis']);
    expect(audit.list({ limit: 10 }).map((entry) => entry.action)).toEqual(['mqtt-client.update', 'mqtt-client.create', 'mqtt-client.create']);
  });
});
