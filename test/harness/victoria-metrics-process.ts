import { access, constants, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port';
import { httpGet, ServerProcess } from './server-process';

const VICTORIA_METRICS = '/usr/bin/victoria-metrics';

/** One series from /api/v1/export: a line `water,device_id=x pressure_kpa=1 <ts>` becomes `water_pressure_kpa{device_id="x"}`. */
export interface ExportedSeries {
  readonly metric: Readonly<Record<string, string>> & { readonly __name__: string };
  readonly values: number[];
  readonly timestamps: number[];
}

/** A real VictoriaMetrics (single node) for integration tests of the InfluxDB v2 write path. */
export class VictoriaMetricsProcess {
  private constructor(
    readonly port: number,
    readonly dataDir: string,
    private server: ServerProcess | undefined,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  static async start(): Promise<VictoriaMetricsProcess> {
    try {
      await access(VICTORIA_METRICS, constants.X_OK);
    } catch {
      throw new Error(`${VICTORIA_METRICS} not found: run \`bash scripts/test.sh\`, which installs it for the integration tests`);
    }
    const dataDir = await mkdtemp(join(tmpdir(), 'victoria-metrics-test-'));
    const vm = new VictoriaMetricsProcess(await freePort(), dataDir, undefined);
    try {
      await vm.restart();
    } catch (error) {
      await rm(dataDir, { recursive: true, force: true });
      throw error;
    }
    return vm;
  }

  async stop(): Promise<void> {
    await this.server?.stop();
  }

  async kill(): Promise<void> {
    await this.server?.kill();
  }

  async restart(): Promise<void> {
    await this.stop();
    this.server = await ServerProcess.start({
      name: 'victoria-metrics',
      binary: VICTORIA_METRICS,
      args: [
        `-httpListenAddr=127.0.0.1:${this.port}`,
        `-storageDataPath=${join(this.dataDir, 'data')}`,
        // Test timestamps are fixed dates; the default retention (1 month) would drop them.
        '-retentionPeriod=100y',
        '-search.latencyOffset=0s',
        '-loggerLevel=ERROR',
      ],
      readyUrl: `${this.url}/health`,
    });
  }

  async cleanup(): Promise<void> {
    try {
      await this.kill();
    } finally {
      await rm(this.dataDir, { recursive: true, force: true });
    }
  }

  /** Makes rows written so far searchable; without it they show up in exports only after about a second. */
  async flush(): Promise<void> {
    expectOk(await httpGet(`${this.url}/internal/force_flush`), 'force_flush');
  }

  /** Every series matching a selector such as `{__name__=~"water_.*"}`, after a flush. */
  async exportSeries(match: string): Promise<ExportedSeries[]> {
    await this.flush();
    const response = await httpGet(`${this.url}/api/v1/export?${new URLSearchParams({ 'match[]': match })}`);
    expectOk(response, 'export');
    return response.body
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as ExportedSeries);
  }

  /**
   * exportSeries, polled until the matching series hold at least `samples` samples in all: even right after
   * force_flush, a brand-new series was sometimes missing from the export (VictoriaMetrics 1.79 registers new
   * series in its index asynchronously). Returns what is there when the time is up.
   */
  async waitForSamples(match: string, samples: number, timeoutMs = 5_000): Promise<ExportedSeries[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const series = await this.exportSeries(match);
      const found = series.reduce((sum, entry) => sum + entry.values.length, 0);
      if (found >= samples || Date.now() > deadline) return series;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

function expectOk(response: { status: number; body: string }, what: string): void {
  if (response.status < 200 || response.status >= 300) {
    throw new Error(`victoria-metrics ${what} answered ${response.status}: ${response.body.slice(0, 500)}`);
  }
}
