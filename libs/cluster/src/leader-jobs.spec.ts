import { SILENT_LOGGER } from '@hub/common';
import { LeaderJobs, type LeaderJob, type Leadership } from './leader-jobs';

/** A lease driven by the test: gain() and lose() as LeaderLease would call its listeners. */
class TestLease implements Leadership {
  epoch: number | null = null;
  stopped = false;
  private readonly gained = new Set<(epoch: number) => void>();
  private readonly lost = new Set<(epoch: number) => void>();

  get isLeader(): boolean {
    return this.epoch !== null;
  }

  onGained(listener: (epoch: number) => void): () => void {
    this.gained.add(listener);
    return () => this.gained.delete(listener);
  }

  onLost(listener: (epoch: number) => void): () => void {
    this.lost.add(listener);
    return () => this.lost.delete(listener);
  }

  gain(epoch: number): void {
    this.epoch = epoch;
    for (const listener of this.gained) listener(epoch);
  }

  lose(): void {
    const epoch = this.epoch ?? 0;
    this.epoch = null;
    for (const listener of this.lost) listener(epoch);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.epoch !== null) this.lose();
  }
}

/** A job that records its starts and stops; its start takes `startMs`. */
function job(name: string, log: string[], startMs = 0): LeaderJob {
  return {
    name,
    start: async () => {
      log.push(`${name} starting`);
      if (startMs > 0) await new Promise((resolve) => setTimeout(resolve, startMs));
      log.push(`${name} started`);
    },
    stop: () => void log.push(`${name} stopped`),
  };
}

describe('LeaderJobs', () => {
  it('starts nothing while following, everything at the gain, stops everything (last first) at the loss, and again', async () => {
    const lease = new TestLease();
    const jobs = new LeaderJobs(lease, SILENT_LOGGER);
    const log: string[] = [];
    jobs.add(job('alerts', log));
    jobs.add(job('reports', log));
    await jobs.settled();
    expect(log).toEqual([]);
    lease.gain(1);
    await jobs.settled();
    expect(log).toEqual(['alerts starting', 'alerts started', 'reports starting', 'reports started']);
    lease.lose();
    await jobs.settled();
    expect(log.slice(4)).toEqual(['reports stopped', 'alerts stopped']);
    lease.gain(3);
    lease.lose();
    await jobs.settled();
    expect(log.slice(6)).toEqual(['alerts starting', 'alerts started', 'reports starting', 'reports started', 'reports stopped', 'alerts stopped']);
  });

  it('stops jobs a loss caught still starting only once they have started', async () => {
    const lease = new TestLease();
    const jobs = new LeaderJobs(lease, SILENT_LOGGER);
    const log: string[] = [];
    jobs.add(job('alerts', log, 50));
    lease.gain(1);
    lease.lose();
    await jobs.settled();
    expect(log).toEqual(['alerts starting', 'alerts started', 'alerts stopped']);
  });

  it('starts a job added while leading at once', async () => {
    const lease = new TestLease();
    const jobs = new LeaderJobs(lease, SILENT_LOGGER);
    const log: string[] = [];
    lease.gain(2);
    jobs.add(job('reports', log));
    await jobs.settled();
    expect(log).toEqual(['reports starting', 'reports started']);
  });

  it('still stops the others when a job fails to start or stop, and a failed start is stopped at the loss', async () => {
    const lease = new TestLease();
    const jobs = new LeaderJobs(lease, SILENT_LOGGER);
    const log: string[] = [];
    jobs.add({ name: 'broken', start: () => Promise.reject(new Error('no')), stop: () => { log.push('broken stopped'); throw new Error('still no'); } });
    jobs.add(job('reports', log));
    lease.gain(1);
    lease.lose();
    await jobs.settled();
    expect(log).toEqual(['reports starting', 'reports started', 'reports stopped', 'broken stopped']);
  });

  it('at a graceful stop, stops the jobs while still holding the lease, then gives the lease up', async () => {
    const lease = new TestLease();
    const jobs = new LeaderJobs(lease, SILENT_LOGGER);
    const log: string[] = [];
    jobs.add({ name: 'alerts', start: () => undefined, stop: () => void log.push(`alerts stopped, lease held: ${lease.isLeader}`) });
    lease.gain(4);
    await jobs.stop();
    expect(log).toEqual(['alerts stopped, lease held: true']);
    expect([lease.stopped, lease.isLeader]).toEqual([true, false]);
  });
});
