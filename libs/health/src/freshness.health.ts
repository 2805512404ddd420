import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';

/**
 * Each named source (a camera's last frame, a poll's last success) must be younger than
 * `maxAgeMs`; a source that never reported is stale once `graceMs` has passed since start.
 */
@Injectable()
export class FreshnessHealthIndicator {
  private readonly startedAt = Date.now();

  constructor(private readonly indicators: HealthIndicatorService) {}

  check(key: string, lastAt: Record<string, number | null>, maxAgeMs: number, graceMs = maxAgeMs) {
    const session = this.indicators.check(key);
    const now = Date.now();
    const ages: Record<string, number | null> = {};
    const stale: string[] = [];

    for (const [name, at] of Object.entries(lastAt)) {
      const age = at === null ? null : now - at;
      ages[name] = age;
      const tooOld = age === null ? now - this.startedAt > graceMs : age > maxAgeMs;
      if (tooOld) stale.push(name);
    }

    const details = { maxAgeMs, agesMs: ages, stale };
    return stale.length > 0 ? session.down(details) : session.up(details);
  }
}
