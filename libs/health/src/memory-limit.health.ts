import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { readCgroupMemory } from '@edgewatch/telemetry';

/** Fractions of the container's memory limit at which a service acts. */
export interface MemoryThresholds {
  /** Above this the service sheds work (skips frames, answers 503). Default 0.8. */
  shedAtFraction: number;
  /** Above this liveness fails, before the kernel's OOM killer would act. Default 0.92. */
  unhealthyAtFraction: number;
}

export const DEFAULT_MEMORY_THRESHOLDS: MemoryThresholds = {
  shedAtFraction: 0.8,
  unhealthyAtFraction: 0.92,
};

/** Memory of the whole container (its cgroup) against the container's own limit. */
@Injectable()
export class MemoryLimitHealthIndicator {
  constructor(private readonly indicators: HealthIndicatorService) {}

  check(key: string, thresholds: MemoryThresholds = DEFAULT_MEMORY_THRESHOLDS) {
    const session = this.indicators.check(key);
    const cgroup = readCgroupMemory();
    const rssBytes = process.memoryUsage().rss;
    if (!cgroup || cgroup.limitBytes === null) {
      return session.up({ rssBytes, limitBytes: null, note: 'no cgroup memory limit is enforced' });
    }

    const fraction = cgroup.usageBytes / cgroup.limitBytes;
    const details = {
      usageBytes: cgroup.usageBytes,
      limitBytes: cgroup.limitBytes,
      fraction: Number(fraction.toFixed(3)),
      rssBytes,
    };
    return fraction >= thresholds.unhealthyAtFraction ? session.down(details) : session.up(details);
  }
}

/** Answers "should I shed work now?" from the cgroup, re-reading it at most every `cacheMs`. */
@Injectable()
export class MemoryPressure {
  private checkedAt = 0;
  private underPressure = false;

  isUnderPressure(
    shedAtFraction = DEFAULT_MEMORY_THRESHOLDS.shedAtFraction,
    cacheMs = 1_000,
  ): boolean {
    const now = Date.now();
    if (now - this.checkedAt < cacheMs) return this.underPressure;

    this.checkedAt = now;
    const cgroup = readCgroupMemory();
    this.underPressure =
      cgroup !== null &&
      cgroup.limitBytes !== null &&
      cgroup.usageBytes / cgroup.limitBytes >= shedAtFraction;
    return this.underPressure;
  }
}
