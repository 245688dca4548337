import type { BackupManifest } from '@hub/store';

/** The lines both CLIs print about a backup: when, which hub and schema, what it holds and what it leaves out. */
export function describeManifest(manifest: BackupManifest): string {
  const lines = [
    `  taken ${manifest.createdAt} by hub ${manifest.hubVersion} (${manifest.trigger}), database schema version ${manifest.schemaVersion}`,
    ...manifest.files.map((file) => `  ${file.path}  ${file.bytes} bytes  sha256 ${file.sha256}`),
    `  rows: ${Object.entries(manifest.rows)
      .map(([table, count]) => `${table} ${count}`)
      .join(', ')}`,
    ...manifest.leftOut.map((entry) => `  not in the backup: ${entry.path} (${entry.bytes} bytes): ${entry.why}`),
  ];
  return `${lines.join('\n')}\n`;
}
