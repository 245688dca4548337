import { BenchOptions } from './bench-options';
import { ChildLink } from './child-link';
import { Cleanup } from './cleanup';
import { MqttLoadResult } from './load-protocol';
import { benchFleet, HOUR_MS, PerSecond, perSecond, ratePerSecond, runLoadJob, UsageReport, usageReport } from './phase-support';
import { ProcessSampler } from './process-stats';

export interface BrokerLimitResult {
  /** QoS 1 messages acknowledged per second (each delivered to the in-process subscriber first): the figure. */
  readonly messagesPerSecond: number;
  readonly acknowledged: number;
  readonly deliveredToSubscriber: number;
  readonly seconds: number;
  readonly perSecond: PerSecond | null;
  readonly connectMs: number;
  readonly errors: readonly string[];
  readonly settings: { readonly connections: number; readonly window: number };
  readonly usage: UsageReport;
}

/** The broker limit: bare Aedes (its own process) with one in-process subscriber, the same devices and messages. */
export async function measureBrokerLimit(options: BenchOptions, cleanup: Cleanup): Promise<BrokerLimitResult> {
  return cleanup.around('bare broker', new ChildLink('broker-limit-server.js'), (broker) => broker.kill(), async (broker) => {
    const { port } = await broker.next('listening', 30_000);
    const sampler = new ProcessSampler();
    sampler.watch('broker', broker.pid);
    sampler.start();
    let from = 0;
    try {
      const result = await runLoadJob<MqttLoadResult>(
        cleanup,
        {
          kind: 'mqtt',
          port,
          fleet: benchFleet(options.connections),
          window: options.window,
          readingsPerMessage: 1,
          rate: null,
          durationMs: options.brokerSeconds * 1000,
          tsBase: Date.now() - 2 * HOUR_MS,
          samplesPerSecond: 0,
          connectConcurrency: 100,
        },
        { onReady: (pid) => sampler.watch('loadGenerator', pid), onGo: () => (from = sampler.mark()) },
      );
      const to = sampler.mark();
      broker.send({ type: 'stop' });
      const { result: brokerResult } = await broker.next('result', 30_000);
      const elapsedMs = result.sendMs + result.drainMs;
      return {
        messagesPerSecond: ratePerSecond(result.acked, elapsedMs),
        acknowledged: result.acked,
        deliveredToSubscriber: (brokerResult as { delivered: number }).delivered,
        seconds: Math.round(elapsedMs / 100) / 10,
        perSecond: perSecond(result.ackedPerSecond),
        connectMs: Math.round(result.connectMs),
        errors: result.errors,
        settings: { connections: options.connections, window: options.window },
        usage: usageReport(sampler, ['broker', 'loadGenerator'], from, to),
      };
    } finally {
      sampler.stop();
    }
  });
}
