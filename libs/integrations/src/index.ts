export * from './integration-access.policy';
export * from './integration-client';
export * from './integration-client.errors';
export * from './integration-client.input';
export * from './integration-client.repository';
export * from './integration-clients.service';
export * from './integration-secret';
export * from './integration-topics';
