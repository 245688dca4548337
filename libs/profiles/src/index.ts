export * from './decoded-payload';
export * from './device-profile';
export * from './device-profile.repository';
export * from './profile-book';
export * from './profile.errors';
export * from './profile-input';
export * from './try-profile';
