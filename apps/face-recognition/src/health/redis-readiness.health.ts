import { Injectable } from '@nestjs/common';
import type { HealthIndicatorResult } from '@nestjs/terminus';
import { RedisHealthIndicator } from '@edgewatch/health';

import { RedisConnections } from '../redis/redis.module';

/**
 * The shared Redis PING check, plus which Redis it is about (password removed) and, while it
 * is unreachable, why and for how long: `down` alone leaves an operator guessing.
 */
@Injectable()
export class RedisReadinessIndicator {
  constructor(
    private readonly redisHealth: RedisHealthIndicator,
    private readonly connections: RedisConnections,
  ) {}

  async check(key: string): Promise<HealthIndicatorResult> {
    const result = await this.redisHealth.check(key, this.connections.worker);
    const entry = result[key];
    const problem = entry.status === 'down' ? this.connections.reachability.problem : null;
    const why =
      problem === null
        ? {}
        : { reason: problem.reason, unreachableForMs: Date.now() - problem.sinceMs };
    return { [key]: { url: this.connections.safeUrl, ...entry, ...why } };
  }
}
