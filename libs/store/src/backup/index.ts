export * from './backup-manifest';
export * from './backup-retention';
export * from './backup.restorer';
export * from './backup.writer';
export * from './data-folder.lock';
export * from './package-version';
