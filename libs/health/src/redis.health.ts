import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import type { Redis } from 'ioredis';

/** Redis answers a PING within the timeout. */
@Injectable()
export class RedisHealthIndicator {
  constructor(private readonly indicators: HealthIndicatorService) {}

  async check(key: string, redis: Redis, timeoutMs = 1_000) {
    const session = this.indicators.check(key);
    if (redis.status !== 'ready') {
      return session.down({ connection: redis.status });
    }

    let timer: NodeJS.Timeout | undefined;
    try {
      const started = Date.now();
      await Promise.race([
        redis.ping(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no PONG within ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
      return session.up({ pingMs: Date.now() - started });
    } catch (error: unknown) {
      return session.down({ message: error instanceof Error ? error.message : String(error) });
    } finally {
      clearTimeout(timer);
    }
  }
}
