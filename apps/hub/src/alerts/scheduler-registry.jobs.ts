import { Injectable } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import type { IntervalJobs } from '@hub/alerts';

/** The alert scheduler's jobs as named intervals in @nestjs/schedule's registry (listed and removable by name). */
@Injectable()
export class SchedulerRegistryJobs implements IntervalJobs {
  constructor(private readonly registry: SchedulerRegistry) {}

  add(name: string, everyMs: number, run: () => void): void {
    if (this.registry.doesExist('interval', name)) this.registry.deleteInterval(name);
    this.registry.addInterval(name, setInterval(run, everyMs));
  }

  remove(name: string): void {
    if (this.registry.doesExist('interval', name)) this.registry.deleteInterval(name);
  }
}
