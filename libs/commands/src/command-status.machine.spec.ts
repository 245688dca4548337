import type { CommandProgress, CommandEvent } from './command-status.machine';
import { applyCommandEvent } from './command-status.machine';

const QUEUED: CommandProgress = { status: 'queued', sentAt: null, deliveredAt: null, finishedAt: null, result: null, error: null };

function run(events: CommandEvent[]): Array<CommandProgress | null> {
  let command = QUEUED;
  return events.map((event, index) => {
    const next = applyCommandEvent(command, event, 1000 + index);
    if (next !== null) command = next;
    return next;
  });
}

describe('command status machine', () => {
  it('goes queued → sent → delivered → succeeded, stamping each step', () => {
    expect(run([{ kind: 'sent' }, { kind: 'delivered' }, { kind: 'replied', ok: true, result: { intervalS: 10 } }])).toEqual([
      { ...QUEUED, status: 'sent', sentAt: 1000 },
      { ...QUEUED, status: 'delivered', sentAt: 1000, deliveredAt: 1001 },
      { ...QUEUED, status: 'succeeded', sentAt: 1000, deliveredAt: 1001, finishedAt: 1002, result: { intervalS: 10 } },
    ]);
  });

  it('fails with the device’s message, and a reply before the PUBACK was seen marks it delivered too', () => {
    expect(run([{ kind: 'sent' }, { kind: 'replied', ok: false, error: 'interval below 1 s' }])).toEqual([
      { ...QUEUED, status: 'sent', sentAt: 1000 },
      { ...QUEUED, status: 'failed', sentAt: 1000, deliveredAt: 1001, finishedAt: 1001, error: 'interval below 1 s' },
    ]);
  });

  it('expires from any open status, with the reason', () => {
    for (const before of [[], [{ kind: 'sent' }], [{ kind: 'sent' }, { kind: 'delivered' }]] as CommandEvent[][]) {
      const outcome = run([...before, { kind: 'expired', reason: 'no reply before the expiry' }]).pop();
      expect(outcome).toMatchObject({ status: 'expired', finishedAt: 1000 + before.length, error: 'no reply before the expiry' });
    }
  });

  it('ignores what does not apply: a reply to a queued command, a resend, a late PUBACK, anything after the end', () => {
    expect(run([{ kind: 'replied', ok: true, result: null }])).toEqual([null]);
    expect(run([{ kind: 'sent' }, { kind: 'delivered' }, { kind: 'sent' }, { kind: 'delivered' }]).slice(2)).toEqual([null, null]);
    const afterEnd = run([{ kind: 'sent' }, { kind: 'replied', ok: true, result: 1 }, { kind: 'delivered' }, { kind: 'replied', ok: false, error: 'x' }, { kind: 'expired', reason: 'late' }, { kind: 'sent' }]);
    expect(afterEnd.slice(2)).toEqual([null, null, null, null]);
  });
});
