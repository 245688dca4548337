import { InvalidInputError } from '@hub/common';
import { readCommandInput, readDesiredConfig } from './command-input';

function issuesOf(read: () => unknown): unknown {
  try {
    read();
  } catch (error) {
    if (error instanceof InvalidInputError) return error.issues;
    throw error;
  }
  throw new Error('no error');
}

describe('command input', () => {
  it('reads name, args and expiresIn with their defaults', () => {
    expect(readCommandInput({ name: 'set-interval', args: { seconds: 10 }, expiresIn: '5m' })).toEqual({ name: 'set-interval', args: { seconds: 10 }, expiresInMs: 300_000 });
    expect(readCommandInput({ name: 'reboot' })).toEqual({ name: 'reboot', args: {}, expiresInMs: 3_600_000 });
    expect(readCommandInput({ name: 'x', args: [1, 'two'], expiresIn: 1000 })).toEqual({ name: 'x', args: [1, 'two'], expiresInMs: 1000 });
  });

  it('lists every problem', () => {
    expect(issuesOf(() => readCommandInput({ args: { blob: 'x'.repeat(17_000) }, expiresIn: '500ms' }))).toEqual([
      { field: 'name', problem: 'is required', code: 'required' },
      { field: 'args', problem: 'must be at most 16384 bytes as JSON' },
      { field: 'expiresIn', problem: 'must be a duration like 500ms, 30s, 5m, 2h or 1d (or milliseconds) from 1s to 7d, got "500ms"', code: 'duration', params: { min: '1s', max: '7d', got: '"500ms"' } },
    ]);
    expect(issuesOf(() => readCommandInput('reboot'))).toEqual([{ field: '(body)', problem: 'must be a JSON object, got "reboot"', code: 'not-object', params: { got: '"reboot"' } }]);
  });

  it('takes a desired config only as a JSON object of at most 16 KiB', () => {
    expect(readDesiredConfig({ intervalS: 30 })).toEqual({ intervalS: 30 });
    expect(issuesOf(() => readDesiredConfig([1]))).toEqual([{ field: '(body)', problem: 'must be a JSON object, got an array', code: 'not-object', params: { got: 'an array' } }]);
    expect(issuesOf(() => readDesiredConfig({ blob: 'x'.repeat(17_000) }))).toEqual([{ field: '(body)', problem: 'must be at most 16384 bytes as JSON' }]);
  });
});
