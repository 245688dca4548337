import { handleCommand, intervalFromConfig } from './device-command.handler';

describe('simulated device command handling', () => {
  it('obeys set-interval and replies ok with the new interval', () => {
    expect(handleCommand(JSON.stringify({ id: 'c-1', name: 'set-interval', args: { seconds: 10 }, expiresAt: 1 }))).toEqual({ reply: { id: 'c-1', ok: true, result: { intervalS: 10 } }, intervalS: 10 });
  });

  it('refuses bad arguments and unknown commands with a reason, and ignores what has no id', () => {
    expect(handleCommand(JSON.stringify({ id: 'c-2', name: 'set-interval', args: { seconds: 0.5 } }))).toEqual({ reply: { id: 'c-2', ok: false, error: 'args.seconds must be a whole number from 1 to 3600' } });
    expect(handleCommand(JSON.stringify({ id: 'c-3', name: 'set-interval' }))).toEqual({ reply: { id: 'c-3', ok: false, error: 'args.seconds must be a whole number from 1 to 3600' } });
    expect(handleCommand(JSON.stringify({ id: 'c-4', name: 'reboot', args: {} }))).toEqual({ reply: { id: 'c-4', ok: false, error: 'unknown command "reboot"' } });
    expect([handleCommand('x'), handleCommand('[]'), handleCommand(JSON.stringify({ name: 'set-interval' }))]).toEqual([null, null, null]);
  });

  it('reads intervalS from a desired config', () => {
    expect([intervalFromConfig('{"intervalS":30,"mode":"eco"}'), intervalFromConfig('{"intervalS":0}'), intervalFromConfig('{"mode":"eco"}'), intervalFromConfig('nope')]).toEqual([30, null, null, null]);
  });
});
