import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@hub/test-harness';
import { SERVICE_NODE_FLAGS } from './service-node-flags';

const read = (path: string): string => readFileSync(join(repoRoot(), path), 'utf8');
const flags = SERVICE_NODE_FLAGS.join(' ');

describe('SERVICE_NODE_FLAGS', () => {
  it('are what every way of starting the service passes to node', () => {
    expect(JSON.parse(read('package.json')).scripts['start:service']).toBe(`node ${flags} dist/apps/hub/src/main.js`);
    // start.sh filters the service's output (node … main.js > >(grep …) &), so only the start of its line is fixed.
    expect(read('scripts/start.sh').split('\n').filter((line) => line.includes('dist/apps/hub/src/main.js'))).toEqual([expect.stringMatching(new RegExp(`^node ${flags} dist/apps/hub/src/main\\.js( |$)`))]);
    expect(read('docker/Dockerfile')).toContain(`CMD ["node", ${SERVICE_NODE_FLAGS.map((flag) => JSON.stringify(flag)).join(', ')}, "dist/apps/hub/src/main.js"]`);
    expect(read('test/harness/hub-process.ts')).toContain('[...SERVICE_NODE_FLAGS, ...(this.options.nodeArgs ?? []), MAIN]');
  });
});
