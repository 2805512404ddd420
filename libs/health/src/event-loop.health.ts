import { monitorEventLoopDelay, IntervalHistogram } from 'node:perf_hooks';

import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';

/** Event-loop delay since the previous check; a blocked loop means health and job locks starve. */
@Injectable()
export class EventLoopHealthIndicator implements OnModuleDestroy {
  private readonly histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: 20 });

  constructor(private readonly indicators: HealthIndicatorService) {
    this.histogram.enable();
  }

  check(key: string, maxP99DelayMs = 1_000) {
    const session = this.indicators.check(key);
    const p99Ms = this.histogram.percentile(99) / 1e6;
    const maxMs = this.histogram.max / 1e6;
    this.histogram.reset();

    const details = { p99DelayMs: Math.round(p99Ms), maxDelayMs: Math.round(maxMs) };
    return p99Ms > maxP99DelayMs ? session.down(details) : session.up(details);
  }

  onModuleDestroy() {
    this.histogram.disable();
  }
}
