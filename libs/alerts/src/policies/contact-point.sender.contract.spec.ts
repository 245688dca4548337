import { SILENT_LOGGER } from '@hub/common';
import type { Tx } from '@hub/store';
import { TEST_STORES, type TestStore } from '@hub/store/testing';
import type { LeaderFence } from '../leader-fence';
import { toAlertView } from '../lifecycle/alert.view';
import { anAlert, T0 } from '../testing/alert-fixtures';
import { RecordingContactPoints } from '../testing/recording-contact-points';
import { ContactPointSender } from './contact-point.sender';
import { DeliveryLog } from './delivery-log';
import { NotificationRoutingRepository } from './notification-routing.repository';

const CLAIM_MS = 30_000;

/** A lease the test holds or takes away: fence() refuses like LeaderLease's when `leading` is false. */
class TestFence implements LeaderFence {
  leading = true;
  local = true;

  async fence(tx: Tx): Promise<void> {
    void tx;
    if (!this.leading) throw Object.assign(new Error('not leading'), { name: 'NotLeaderError' });
  }

  heldLocally(): boolean {
    return this.local;
  }
}

describe.each(TEST_STORES)('ContactPointSender under the leader lease on %s', (_dialect, open) => {
  let test: TestStore;
  let state: NotificationRoutingRepository;
  let port: RecordingContactPoints;
  let fence: TestFence;
  let now: number;
  let sender: ContactPointSender;

  beforeEach(async () => {
    test = await open();
    state = new NotificationRoutingRepository(test.store);
    port = new RecordingContactPoints(['duty']);
    fence = new TestFence();
    now = T0;
    const log = new DeliveryLog(test.store, state, (name) => port.kindOf(name));
    sender = new ContactPointSender(port, state, log, { retryMinMs: 1000, retryMaxMs: 8000, giveUpAfterMs: 3_600_000, claimMs: CLAIM_MS }, SILENT_LOGGER, () => now, fence);
    const alerts = JSON.stringify([{ eventId: 1, event: 'fired', at: new Date(T0).toISOString(), actor: 'system', note: null, previousState: null, alert: toAlertView(anAlert({ id: 1, deviceId: 'g-1' })) }]);
    await state.queue({ route: 'r', contactPoint: 'duty', level: 0, reason: 'new', alerts, nextAttemptAt: T0 }, T0);
  });
  afterEach(() => test.dispose());

  const send = async (): Promise<void> => {
    await sender.sendDue();
    await sender.idle();
  };
  const queued = async () => (await state.headsOfQueues()).map((message) => ({ attempts: message.attempts, nextAttemptAt: message.nextAttemptAt }));
  const sentRows = async () => (await state.deliveries(100)).filter((row) => row.outcome === 'sent').length;

  it('a node that no longer leads neither claims nor sends: the message stays as it was', async () => {
    fence.leading = false;
    await send();
    expect([port.sent.length, await queued(), await sentRows()]).toEqual([0, [{ attempts: 0, nextAttemptAt: T0 }], 0]);
  });

  it('a leader whose lease lapsed after the claim (paused) sends nothing; the next leader sends it once the claim has run out, once', async () => {
    fence.local = false;
    await send();
    expect([port.sent.length, await queued()]).toEqual([0, [{ attempts: 0, nextAttemptAt: T0 + CLAIM_MS }]]);
    // The next leader: nothing while the claim holds, then the message, once.
    fence.local = true;
    now = T0 + CLAIM_MS - 1;
    await send();
    expect(port.sent.length).toBe(0);
    now = T0 + CLAIM_MS;
    await send();
    await send();
    expect([port.sent.map((message) => message.deviceIds), await queued(), await sentRows()]).toEqual([[['g-1']], [], 1]);
  });
});
