import { Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import type { Redis } from 'ioredis';

/**
 * Which Redis a check is about and, while it is unreachable, why. `RedisReachability` from
 * `@edgewatch/queues` is one; declared here so this lib needs no queue code.
 */
export interface RedisReachabilityReport {
  /** The Redis URL without its password. */
  readonly safeUrl: string;
  /** Null unless Redis is unreachable. */
  readonly problem: { readonly reason: string; readonly sinceMs: number } | null;
}

export interface RedisCheckOptions {
  /**
   * Adds the URL and, when down, the reason and since
   * when: `down` alone leaves an operator guessing.
   */
  reachability?: RedisReachabilityReport;
  /** How long the PING may take, in ms. Default 1000. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 1_000;

/** Redis answers a PING within the timeout. */
@Injectable()
export class RedisHealthIndicator {
  constructor(private readonly indicators: HealthIndicatorService) {}

  async check<const Key extends string>(
    key: Key,
    redis: Redis,
    options: RedisCheckOptions = {},
  ): Promise<HealthIndicatorResult<Key>> {
    const session = this.indicators.check(key);
    const url = options.reachability === undefined ? {} : { url: options.reachability.safeUrl };
    const down = (details: Record<string, unknown>) =>
      session.down({ ...url, ...details, ...whyUnreachable(options.reachability) });
    if (redis.status !== 'ready') {
      return down({ connection: redis.status });
    }

    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    let timer: NodeJS.Timeout | undefined;
    try {
      const started = Date.now();
      await Promise.race([
        redis.ping(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no PONG within ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
      return session.up({ ...url, pingMs: Date.now() - started });
    } catch (error: unknown) {
      return down({ message: error instanceof Error ? error.message : String(error) });
    } finally {
      clearTimeout(timer);
    }
  }
}

function whyUnreachable(reachability: RedisReachabilityReport | undefined) {
  const problem = reachability?.problem ?? null;
  if (problem === null) return {};

  return {
    reason: problem.reason,
    unreachableSince: new Date(problem.sinceMs).toISOString(),
    unreachableForMs: Date.now() - problem.sinceMs,
  };
}
